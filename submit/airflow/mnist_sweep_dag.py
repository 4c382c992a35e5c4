"""Airflow DAGs that run the mnist-spark sweep every day, each run as its own experiment, then
predict with that experiment's best model and write a report of the results table.

- mnist_sweep:     SparkSubmitOperator tasks for a YARN cluster (Airflow connection "spark_default"
                   names the master), with the YARN settings of submit/yarn/spark-yarn.conf.
- mnist_sweep_emr: EMR steps (EmrAddStepsOperator) and sensors that wait for them (EmrStepSensor).

In both, the sweep runs first; predict and report run after it succeeds.
Needs Airflow 2.10+ (2.x) with the providers named in docs/running.md ("6. Airflow"); the DAG's own
`schedule=` needs 2.4. AirflowDagTest checks every argument name and import path against those
releases (src/test/resources/airflow-api/airflow-2.x.json).

Deploy: copy this file, submit/submit_args.py, submit/spark-job.conf and
submit/yarn/spark-yarn.conf into the DAGs folder keeping that layout (or point
MNIST_SPARK_SUBMIT_DIR at a checkout's submit/). Airflow Variables: mnist_spark_jar, mnist_spark_conf,
mnist_spark_s3 (an s3a:// prefix), mnist_spark_emr_cluster, and optionally mnist_spark_parallel_trials.
The spark-submit arguments come from submit/submit_args.py, the same source as the shell scripts.
"""
import os
import sys
from datetime import datetime, timedelta

SUBMIT_DIR = os.environ.get("MNIST_SPARK_SUBMIT_DIR",
                            os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
sys.path.insert(0, SUBMIT_DIR)
import submit_args  # noqa: E402

from airflow import DAG  # noqa: E402
from airflow.providers.amazon.aws.operators.emr import EmrAddStepsOperator  # noqa: E402
from airflow.providers.amazon.aws.sensors.emr import EmrStepSensor  # noqa: E402
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator  # noqa: E402

# Each daily run is its own experiment, so its trials never mix with another day's; the day also
# names the run's predictions/ and reports/ folders.
RUN = "{{ ds_nodash }}"
EXPERIMENT = "mnist-" + RUN
# Paths an Airflow worker can read (s3://, hdfs://, or its own disk); no defaults: a repository path
# would mean nothing there.
JAR = "{{ var.value.mnist_spark_jar }}"
CONF_FILE = "{{ var.value.mnist_spark_conf }}"
# The rendered prefix without a trailing "/", so that "s3a://bucket/x/" gives s3a://bucket/x/mnist.
S3_PREFIX = "{{ var.value.mnist_spark_s3.rstrip('/') }}"
EMR_CLUSTER = "{{ var.value.mnist_spark_emr_cluster }}"
# Trials at once: under dynamic allocation there is no fixed total of cores to derive it from. No trial's
# id or numbers depend on it.
PARALLEL_TRIALS = "{{ var.value.get('mnist_spark_parallel_trials', '%d') }}" % submit_args.DEFAULT_PARALLEL_TRIALS

JOBS = submit_args.scheduled_jobs(CONF_FILE, S3_PREFIX, EXPERIMENT, PARALLEL_TRIALS, RUN)

# What both DAGs share: daily, no catch-up of missed days, one run at a time, retries.
SCHEDULE = dict(
    schedule="@daily",
    start_date=datetime(2026, 11, 1),
    catchup=False,
    max_active_runs=1,
    default_args={"owner": "mnist-spark", "retries": 2, "retry_delay": timedelta(minutes=10)},
)

with DAG(
    dag_id="mnist_sweep",
    description="MNIST CNN hyperparameter sweep, predictions and report on a YARN cluster",
    tags=["mnist-spark"],
    **SCHEDULE,
) as spark_dag:
    spark_tasks = {
        job: SparkSubmitOperator(
            task_id=job,
            conn_id="spark_default",
            application=JAR,
            # The jar's manifest names the main class, and the job names itself: no --class, no --name
            # (the operator's default name would be "arrow-spark").
            name=None,
            conf=submit_args.yarn_confs(),
            application_args=args,
        )
        for job, args in JOBS.items()
    }
    spark_tasks["sweep"] >> [spark_tasks["predict"], spark_tasks["report"]]

with DAG(
    dag_id="mnist_sweep_emr",
    description="MNIST CNN hyperparameter sweep, predictions and report as Amazon EMR steps",
    tags=["mnist-spark", "emr"],
    **SCHEDULE,
) as emr_dag:
    added, watched = {}, {}
    for job, args in JOBS.items():
        added[job] = EmrAddStepsOperator(
            task_id="add_%s_step" % job,
            job_flow_id=EMR_CLUSTER,
            aws_conn_id="aws_default",
            steps=[submit_args.emr_step(submit_args.emr_step_name(job, EXPERIMENT, RUN), JAR, args)],
        )
        watched[job] = EmrStepSensor(
            task_id="watch_%s_step" % job,
            job_flow_id=EMR_CLUSTER,
            step_id="{{ task_instance.xcom_pull(task_ids='add_%s_step')[0] }}" % job,
            aws_conn_id="aws_default",
        )
        added[job] >> watched[job]
    watched["sweep"] >> [added["predict"], added["report"]]
