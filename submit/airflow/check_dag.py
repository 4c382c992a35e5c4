#!/usr/bin/env python3
"""A structural check of mnist_sweep_dag.py without Airflow (it cannot be installed offline).

It stands in minimal classes for the Airflow names the DAG file imports, loads the file, and prints
each DAG's settings, tasks, their order and the operators' arguments as JSON. It checks structure
only: it does not run Airflow, render templates or talk to a cluster. Used by AirflowDagTest.
"""
import importlib.util
import json
import os
import sys
import types

DAGS = []
_current = []


class DAG:
    def __init__(self, dag_id, **settings):
        self.dag_id, self.settings, self.tasks = dag_id, settings, []
        DAGS.append(self)

    def __enter__(self):
        _current.append(self)
        return self

    def __exit__(self, *exc):
        _current.pop()


class BaseOperator:
    def __init__(self, task_id, **arguments):
        self.task_id, self.arguments, self.downstream = task_id, arguments, []
        self.dag = _current[-1]
        self.dag.tasks.append(self)

    def __rshift__(self, other):
        self.downstream.append(other.task_id)
        return other


def _module(name, **names):
    module = types.ModuleType(name)
    module.__dict__.update(names)
    sys.modules[name] = module


for package in ["airflow.providers", "airflow.providers.amazon", "airflow.providers.amazon.aws",
                "airflow.providers.amazon.aws.operators", "airflow.providers.amazon.aws.sensors",
                "airflow.providers.apache", "airflow.providers.apache.spark",
                "airflow.providers.apache.spark.operators"]:
    _module(package)
_module("airflow", DAG=DAG)
_module("airflow.providers.amazon.aws.operators.emr", EmrAddStepsOperator=type("EmrAddStepsOperator", (BaseOperator,), {}))
_module("airflow.providers.amazon.aws.sensors.emr", EmrStepSensor=type("EmrStepSensor", (BaseOperator,), {}))
_module("airflow.providers.apache.spark.operators.spark_submit",
        SparkSubmitOperator=type("SparkSubmitOperator", (BaseOperator,), {}))

path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "mnist_sweep_dag.py")
spec = importlib.util.spec_from_file_location("mnist_sweep_dag", path)
spec.loader.exec_module(importlib.util.module_from_spec(spec))


def plain(value):
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


json.dump({dag.dag_id: {
    "settings": plain(dag.settings),
    "tasks": [{"task_id": t.task_id, "operator": type(t).__name__, "downstream": t.downstream,
               "arguments": plain(t.arguments)} for t in dag.tasks],
} for dag in DAGS}, sys.stdout, indent=1)
sys.stdout.write("\n")
