"""The sweep's spark-submit arguments, for the EMR step and the Airflow DAGs.

One source with the shell scripts: submit/spark-job.conf holds the Spark settings every run needs
(submit/common.sh reads it too), submit/emr/spark-emr.conf what YARN on EMR needs on top, and
spark_submit_args() lays the arguments out as submit/standalone.sh does (tests compare the two).
The jar's manifest names the main class and the job names itself, so neither is passed.
Standard library only: it runs with any Python 3.8+, Airflow's included.
"""
import os

SUBMIT_DIR = os.path.dirname(os.path.abspath(__file__))
JOB_CONF = os.path.join(SUBMIT_DIR, "spark-job.conf")
EMR_CONF = os.path.join(SUBMIT_DIR, "emr", "spark-emr.conf")


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


def job_args(conf_file, *options):
    """The job's own arguments: the sweep of conf_file, then any options (--experiment, --data, ...)."""
    return ["sweep", "--conf", conf_file] + list(options)


def spark_submit_args(master, deploy_mode, jar, job, confs):
    """spark-submit's arguments (without the program name), in submit/standalone.sh's order."""
    args = ["--master", master]
    for key, value in confs.items():
        args += ["--conf", key + "=" + value]
    return args + ["--deploy-mode", deploy_mode, jar] + list(job)


def s3_locations(prefix):
    """Where a run on EMR keeps its data, minibatches, results and models, under one S3 prefix."""
    prefix = prefix.rstrip("/")
    return {"data": prefix + "/mnist", "minibatches": prefix + "/work/minibatches",
            "results": prefix + "/results", "models": prefix + "/models"}


def emr_spark_submit(jar, conf_file, s3_prefix, experiment):
    """The spark-submit command line of the EMR step (cluster deploy mode, YARN)."""
    where = s3_locations(s3_prefix)
    job = job_args(conf_file, "--experiment", experiment, "--data", where["data"], "--results", where["results"],
                   "--models", where["models"], "--set", 'data.minibatch-dir="%s"' % where["minibatches"])
    return ["spark-submit"] + spark_submit_args("yarn", "cluster", jar, job, spark_confs(EMR_CONF))


def emr_step(jar, conf_file, s3_prefix, experiment, action_on_failure="CONTINUE"):
    """The step as EMR's API takes it (boto3 add_job_flow_steps, Airflow's EmrAddStepsOperator)."""
    return {"Name": "mnist-spark sweep %s" % experiment, "ActionOnFailure": action_on_failure,
            "HadoopJarStep": {"Jar": "command-runner.jar",
                              "Args": emr_spark_submit(jar, conf_file, s3_prefix, experiment)}}


def emr_cli_step(jar, conf_file, s3_prefix, experiment, action_on_failure="CONTINUE"):
    """The same step as `aws emr add-steps --steps file://step.json` takes it."""
    step = emr_step(jar, conf_file, s3_prefix, experiment, action_on_failure)
    return {"Type": "CUSTOM_JAR", "Name": step["Name"], "ActionOnFailure": action_on_failure,
            "Jar": "command-runner.jar", "Args": step["HadoopJarStep"]["Args"]}
