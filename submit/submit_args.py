"""The spark-submit arguments of the EMR steps and the Airflow DAGs.

One source with the shell scripts: submit/spark-job.conf holds the Spark settings every run needs
and submit/yarn/spark-yarn.conf what YARN needs on top (submit/common.sh reads both, the second for
`submit/standalone.sh yarn`); spark_confs() merges them as common.sh's submit_args does, and
spark_submit_args() lays the arguments out as submit/standalone.sh does (AirflowDagTest compares).
The job's own arguments for the sweep, predict and report are built here once, for the EMR steps
and both DAGs. The jar's manifest names the main class and the job names itself, so neither is passed.
Standard library only: it runs with any Python 3.8+, Airflow's included.
"""
import os

SUBMIT_DIR = os.path.dirname(os.path.abspath(__file__))
JOB_CONF = os.path.join(SUBMIT_DIR, "spark-job.conf")
YARN_CONF = os.path.join(SUBMIT_DIR, "yarn", "spark-yarn.conf")

# Trials a scheduled sweep trains at once when nothing else says (the Airflow Variable
# mnist_spark_parallel_trials, render_step.py --parallel-trials). Under dynamic allocation (EMR) the
# executors have no fixed total of cores to derive it from. It changes how soon the sweep ends, never a
# trial's id or numbers: the workers per trial come from the sweep's file (data.workers, default 2).
DEFAULT_PARALLEL_TRIALS = 4


def read_spark_conf(path):
    """(key, value) pairs of a "key value" file; blank lines and # comments skipped."""
    pairs = []
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            key_value = line.split(None, 1)  # any whitespace, as common.sh's `read` splits
            pairs.append((key_value[0], key_value[1].strip() if len(key_value) > 1 else ""))
    return pairs


def spark_confs(*files):
    """Settings of spark-job.conf, then each further file's. A later value replaces an earlier one,
    except JVM options (*.extraJavaOptions), which are appended so that neither file repeats the other."""
    merged = {}
    for path in (JOB_CONF,) + files:
        for key, value in read_spark_conf(path):
            if key.endswith("extraJavaOptions") and key in merged:
                merged[key] = merged[key] + " " + value
            else:
                merged[key] = value
    return merged


def yarn_confs():
    """The settings of every run on YARN: spark-job.conf with spark-yarn.conf merged in."""
    return spark_confs(YARN_CONF)


def spark_submit_args(master, deploy_mode, jar, job, confs):
    """spark-submit's arguments (without the program name), in submit/standalone.sh's order."""
    args = ["--master", master]
    for key, value in confs.items():
        args += ["--conf", key + "=" + value]
    return args + ["--deploy-mode", deploy_mode, jar] + list(job)


def s3_locations(prefix):
    """Where a scheduled run keeps its data, results, models, predictions and reports,
    under one prefix. A trailing "/" is dropped here for a literal prefix; a Jinja template must drop
    it in the rendered value itself (the DAG's "{{ var.value.mnist_spark_s3.rstrip('/') }}")."""
    prefix = prefix.rstrip("/")
    return {"data": prefix + "/mnist", "results": prefix + "/results", "models": prefix + "/models",
            "predictions": prefix + "/predictions", "reports": prefix + "/reports"}


def sweep_args(conf_file, s3_prefix, experiment, parallel_trials):
    """The sweep of conf_file as experiment, parallel_trials trials at once, under s3_prefix."""
    where = s3_locations(s3_prefix)
    return ["sweep", "--conf", conf_file, "--experiment", experiment, "--parallel-trials", str(parallel_trials),
            "--data", where["data"], "--results", where["results"], "--models", where["models"]]


def predict_args(s3_prefix, experiment, run):
    """Predictions of the experiment's best model for the images under s3_prefix, in predictions/<run>."""
    where = s3_locations(s3_prefix)
    return ["predict", "--model", "best:" + experiment, "--images", where["data"],
            "--output", where["predictions"] + "/" + run, "--results", where["results"]]


def report_args(s3_prefix, run):
    """The report of the results table under s3_prefix, in reports/<run>."""
    where = s3_locations(s3_prefix)
    return ["report", "--results", where["results"], "--output", where["reports"] + "/" + run]


def scheduled_jobs(conf_file, s3_prefix, experiment, parallel_trials, run):
    """The job arguments of a scheduled run, by name, in the order they run: the sweep first, then
    predict and report (both need the sweep's results; neither needs the other)."""
    return {"sweep": sweep_args(conf_file, s3_prefix, experiment, parallel_trials),
            "predict": predict_args(s3_prefix, experiment, run),
            "report": report_args(s3_prefix, run)}


def emr_spark_submit(jar, job):
    """The spark-submit command line of an EMR step (cluster deploy mode, YARN)."""
    return ["spark-submit"] + spark_submit_args("yarn", "cluster", jar, job, yarn_confs())


def emr_step(name, jar, job, action_on_failure="CONTINUE"):
    """One step as EMR's API takes it (boto3 add_job_flow_steps, Airflow's EmrAddStepsOperator)."""
    return {"Name": name, "ActionOnFailure": action_on_failure,
            "HadoopJarStep": {"Jar": "command-runner.jar", "Args": emr_spark_submit(jar, job)}}


def emr_step_name(job, experiment, run):
    """The step's name in EMR's console: what it runs and for which experiment or day."""
    return "mnist-spark %s %s" % (job, run if job == "report" else experiment)


def emr_cli_step(step):
    """The same step as `aws emr add-steps --steps file://step.json` takes it."""
    return {"Type": "CUSTOM_JAR", "Name": step["Name"], "ActionOnFailure": step["ActionOnFailure"],
            "Jar": step["HadoopJarStep"]["Jar"], "Args": step["HadoopJarStep"]["Args"]}
