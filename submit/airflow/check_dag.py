#!/usr/bin/env python3
"""A structural check of mnist_sweep_dag.py against the pinned Airflow API, without Airflow (it
cannot be installed offline).

    check_dag.py [--api FIXTURE] [--var NAME=VALUE ... [--ds-nodash YYYYMMDD]] [DAG_FILE]

The fixture (default: src/test/resources/airflow-api/airflow-2.x.json) names the pinned releases of
Airflow and its providers and, for each class the DAG may use, the modules it can be imported from
and its constructor's parameter names. The stand-ins built from it reject a module or name the pinned
releases do not have, a keyword argument the class (with its bases) does not accept, a missing
required argument, a default_args key that none of the DAG's operators takes, and a feature newer
than the pinned Airflow (`schedule=` needs 2.4). Each problem is printed as "error: FILE:LINE: ..."
and the exit code is 1.

Otherwise it prints each DAG's settings, tasks, their order and the operators' arguments as JSON,
with the pinned versions and the minimum Airflow they need. With --var it renders the templates
first, with those Airflow Variables (jinja2's sandbox when Debian's python3-jinja2 is there, else a
stand-in for the plain Python expressions the DAG uses). It checks structure only: it does not run
Airflow or talk to a cluster. Used by AirflowDagTest.
"""
import argparse
import importlib.abc
import importlib.util
import json
import os
import re
import sys
import traceback
import types

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_API = os.path.join(HERE, "..", "..", "src", "test", "resources", "airflow-api", "airflow-2.x.json")
AIRFLOW = "apache-airflow"


def version(text):
    return tuple(int(part) for part in re.findall(r"\d+", text)[:3])


class Api:
    """The pinned releases' classes, as the fixture lists them."""

    def __init__(self, path):
        self.path = os.path.normpath(path)
        with open(path, encoding="utf-8") as source:
            data = json.load(source)
        self.versions = data["versions"]
        self.requires_airflow = data.get("requires_airflow", {})
        self.since = data.get("since", {})
        self.classes = data["classes"]
        self.modules = {}
        for name, spec in self.classes.items():
            for module in spec["modules"]:
                self.modules.setdefault(module, []).append(name)

    def release(self, class_name):
        release = self.classes[class_name]["release"]
        return "%s %s" % (release, self.versions[release])

    def accepted(self, class_name):
        spec = self.classes[class_name]
        names = set(spec["parameters"])
        for base in spec["bases"]:
            names |= self.accepted(base)
        return names

    def ancestors(self, class_name):
        found = []
        for base in self.classes[class_name]["bases"]:
            found += [base] + self.ancestors(base)
        return found

    def required(self, class_name):
        spec = self.classes[class_name]
        names = list(spec.get("required", []))
        for base in spec["bases"]:
            names += [n for n in self.required(base) if n not in names]
        return names

    def pinned_airflow(self):
        return self.versions[AIRFLOW]

    def minimum_airflow(self, features):
        """The oldest Airflow the DAG and the pinned providers run on, and why."""
        needs = [(v, "%s %s needs it" % (p, self.versions[p])) for p, v in self.requires_airflow.items()]
        needs += [(self.since[f], "%s is new in it" % f) for f in features if f in self.since]
        if not needs:
            return None, []
        top = max(version(v) for v, _ in needs)
        return ".".join(map(str, top)), [why for v, why in needs if version(v) == top]


PROBLEMS = []
DAGS = []
_current = []
_dag_path = [None]


def _where():
    """FILE:LINE of the DAG file's statement that is running."""
    for frame in reversed(traceback.extract_stack()):
        if _dag_path[0] and os.path.abspath(frame.filename) == _dag_path[0]:
            return "%s:%d" % (os.path.basename(frame.filename), frame.lineno)
    return os.path.basename(_dag_path[0] or "?")


def _problem(text):
    PROBLEMS.append("%s: %s" % (_where(), text))


def _check_arguments(api, class_name, label, arguments):
    accepted = api.accepted(class_name)
    operator = class_name != "BaseOperator" and "BaseOperator" in api.ancestors(class_name)
    own = sorted(accepted - api.accepted("BaseOperator")) if operator else []
    for key in arguments:
        if key not in accepted:
            _problem("%s got an unknown keyword argument '%s' (%s takes: %s)"
                     % (label, key, api.release(class_name),
                        ", ".join(own + ["and BaseOperator's (apache-airflow %s)" % api.pinned_airflow()]
                                  if own else sorted(accepted))))
    for key in api.required(class_name):
        if key not in arguments:
            _problem("%s is missing its required argument '%s' (%s)" % (label, key, api.release(class_name)))
    for group in api.classes[class_name].get("one_of", []):
        if sum(1 for key in group if arguments.get(key) is not None) != 1:
            _problem("%s needs exactly one of %s (%s)" % (label, ", ".join(group), api.release(class_name)))


def install(api):
    """Puts stand-ins for exactly the modules and classes of the fixture into sys.modules."""

    class DAG:
        def __init__(self, *args, **settings):
            names = api.classes["DAG"]["parameters"]
            settings.update(zip(names, args))  # DAG's parameters may be positional, in their order
            self.dag_id, self.tasks, self.line = settings.get("dag_id"), [], _where()
            self.settings = {k: v for k, v in settings.items() if k != "dag_id"}
            _check_arguments(api, "DAG", "DAG(dag_id=%r)" % self.dag_id, settings)
            self.features = ["DAG." + key for key in settings]
            DAGS.append(self)

        def __enter__(self):
            _current.append(self)
            return self

        def __exit__(self, *exc):
            _current.pop()

    class BaseOperator:
        def __init__(self, *args, **arguments):
            spec = type(self)._spec
            self.task_id, self.arguments, self.downstream = arguments.get("task_id"), arguments, []
            label = "%s(task_id=%r)" % (type(self).__name__, self.task_id)
            if args:
                _problem("%s was given positional arguments; operators take keywords only" % label)
            _check_arguments(api, spec, label, arguments)
            self.dag = arguments.get("dag") or (_current[-1] if _current else None)
            if self.dag is None:
                _problem("%s belongs to no DAG" % label)
            else:
                self.dag.tasks.append(self)

        def __rshift__(self, other):
            for task in other if isinstance(other, (list, tuple)) else [other]:
                self.downstream.append(task.task_id)
            return other

        def __rrshift__(self, other):  # [a, b] >> task
            for task in other:
                task >> self
            return self

    stand_ins = {"DAG": DAG}

    def stand_in(name):
        if name not in stand_ins:
            bases = tuple(stand_in(b) for b in api.classes[name]["bases"]) or (BaseOperator,)
            stand_ins[name] = type(name, bases, {"_spec": name})
        return stand_ins[name]

    class Module(types.ModuleType):
        def __getattr__(self, attribute):
            if attribute.startswith("__"):
                raise AttributeError(attribute)
            raise AttributeError("module %r has no attribute %r in the pinned releases (%s)"
                                 % (self.__name__, attribute, api.path))

    packages = {m.rsplit(".", i)[0] for m in api.modules for i in range(1, m.count(".") + 1)} | {"airflow"}
    for name in sorted(packages | set(api.modules)):
        module = Module(name)
        if name in packages:
            module.__path__ = []
        for class_name in api.modules.get(name, []):
            setattr(module, class_name, stand_in(class_name))
        sys.modules[name] = module

    class PinnedOnly(importlib.abc.MetaPathFinder):
        def find_spec(self, fullname, path=None, target=None):
            if fullname == "airflow" or fullname.startswith("airflow."):
                raise ModuleNotFoundError("No module named %r in %s and the pinned providers (%s)"
                                          % (fullname, "apache-airflow " + api.pinned_airflow(), api.path),
                                          name=fullname)
            return None

    sys.meta_path.insert(0, PinnedOnly())
    return stand_ins


def check_after_load(api, stand_ins):
    pinned = api.pinned_airflow()
    features = set()
    for dag in DAGS:
        features.update(dag.features)
        for feature in dag.features:
            if feature in api.since and version(pinned) < version(api.since[feature]):
                owner, parameter = feature.split(".", 1)
                PROBLEMS.append("%s: %s(%s=...) needs apache-airflow >= %s; the pinned release is %s"
                                % (dag.line, owner, parameter, api.since[feature], pinned))
        default_args = dag.settings.get("default_args") or {}
        takers = set(api.accepted("BaseOperator"))
        for task in dag.tasks:
            takers |= api.accepted(type(task)._spec)
        for key in default_args:
            if key not in takers:
                PROBLEMS.append("%s: default_args key '%s' of DAG %r is a parameter of none of its operators"
                                % (dag.line, key, dag.dag_id))
    minimum, why = api.minimum_airflow(sorted(features))
    if minimum and version(pinned) < version(minimum):
        PROBLEMS.append("%s: the DAG and the pinned providers need apache-airflow >= %s (%s); the pinned release is %s"
                        % (api.path, minimum, "; ".join(why), pinned))
    return minimum, why


class _Variables:
    def __init__(self, values):
        self._values = values

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        if name not in self._values:
            raise KeyError("Airflow Variable %r is not set (--var %s=...)" % (name, name))
        return self._values[name]

    def get(self, name, default=None):
        return self._values.get(name, default)


class _TaskInstance:
    @staticmethod
    def xcom_pull(task_ids=None, key="return_value"):
        return ["step-id-from-%s" % task_ids]


def renderer(variables, ds_nodash):
    context = {"var": types.SimpleNamespace(value=_Variables(variables)), "ds_nodash": ds_nodash,
               "task_instance": _TaskInstance()}
    try:
        from jinja2 import StrictUndefined
        from jinja2.sandbox import SandboxedEnvironment
        environment = SandboxedEnvironment(undefined=StrictUndefined)
        return "jinja2 sandbox", lambda text: environment.from_string(text).render(**context)
    except ImportError:
        def render(text):  # the DAG's templates are plain Python expressions
            return re.sub(r"\{\{(.*?)\}\}",
                          lambda m: str(eval(m.group(1).strip(), {"__builtins__": {}}, dict(context))), text)
        return "stand-in", render


def plain(value, render=None):
    if isinstance(value, dict):
        return {str(k): plain(v, render) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v, render) for v in value]
    if isinstance(value, str):
        return render(value) if render and "{{" in value else value
    if isinstance(value, (int, float, bool)) or value is None:
        return value
    return str(value)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Check the Airflow DAG file against the pinned Airflow API.")
    parser.add_argument("dag_file", nargs="?", default=os.path.join(HERE, "mnist_sweep_dag.py"))
    parser.add_argument("--api", default=DEFAULT_API, help="the fixture of the pinned releases")
    parser.add_argument("--var", action="append", default=[], metavar="NAME=VALUE",
                        help="render the templates with this Airflow Variable (repeatable)")
    parser.add_argument("--ds-nodash", default="20261121", help="ds_nodash when rendering")
    args = parser.parse_args(argv)

    api = Api(args.api)
    stand_ins = install(api)
    _dag_path[0] = os.path.abspath(args.dag_file)
    spec = importlib.util.spec_from_file_location("mnist_sweep_dag", args.dag_file)
    try:
        spec.loader.exec_module(importlib.util.module_from_spec(spec))
    except ImportError as error:
        frames = [f for f in traceback.extract_tb(error.__traceback__)
                  if os.path.abspath(f.filename) == _dag_path[0]]
        line = "%s:%d" % (os.path.basename(args.dag_file), frames[-1].lineno) if frames else args.dag_file
        PROBLEMS.append("%s: %s" % (line, error))
    minimum, why = check_after_load(api, stand_ins) if not PROBLEMS or DAGS else (None, [])
    if PROBLEMS:
        for problem in PROBLEMS:
            print("error: " + problem, file=sys.stderr)
        return 1

    render, how = None, None
    if args.var:
        how, render = renderer(dict(v.split("=", 1) for v in args.var), args.ds_nodash)
    result = {"api": {"fixture": os.path.relpath(api.path), "versions": api.versions,
                      "minimum_airflow": minimum, "minimum_because": why, "rendered_with": how},
              "dags": {dag.dag_id: {
                  "settings": plain(dag.settings, render),
                  "tasks": [{"task_id": t.task_id, "operator": type(t).__name__, "downstream": t.downstream,
                             "arguments": plain(t.arguments, render)} for t in dag.tasks],
              } for dag in DAGS}}
    json.dump(result, sys.stdout, indent=1)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
