"""Airflow DAGs that run the mnist-spark sweep every day, each run as its own experiment.

- mnist_sweep:     SparkSubmitOperator to a standalone or YARN cluster (Airflow connection
                   "spark_default" names the master).
- mnist_sweep_emr: an EMR step (EmrAddStepsOperator) and a sensor that waits for it (EmrStepSensor).

Deploy: copy this folder's DAG file, submit/submit_args.py, submit/spark-job.conf and
submit/emr/spark-emr.conf into the DAGs folder keeping that layout (or point MNIST_SPARK_SUBMIT_DIR
at a checkout's submit/). Airflow Variables set the locations:
mnist_spark_jar, mnist_spark_conf, mnist_spark_s3 (an s3a:// prefix), mnist_spark_emr_cluster.
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

# Each daily run is its own experiment, so its trials never mix with another day's.
EXPERIMENT = "mnist-{{ ds_nodash }}"
# Paths an Airflow worker can read (s3://, hdfs://, or its own disk); no defaults: a repository path
# would mean nothing there.
JAR = "{{ var.value.mnist_spark_jar }}"
CONF_FILE = "{{ var.value.mnist_spark_conf }}"
S3_PREFIX = "{{ var.value.mnist_spark_s3 }}"
EMR_CLUSTER = "{{ var.value.mnist_spark_emr_cluster }}"

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
    description="MNIST CNN hyperparameter sweep on a Spark standalone or YARN cluster",
    tags=["mnist-spark"],
    **SCHEDULE,
) as spark_dag:
    where = submit_args.s3_locations(S3_PREFIX)
    SparkSubmitOperator(
        task_id="sweep",
        conn_id="spark_default",
        application=JAR,
        # The jar's manifest names the main class, and the job names itself: no --class, no --name
        # (the operator's default name would be "arrow-spark").
        name=None,
        conf=submit_args.spark_confs(),
        application_args=submit_args.job_args(
            CONF_FILE, "--experiment", EXPERIMENT, "--data", where["data"], "--results", where["results"],
            "--models", where["models"], "--set", 'data.minibatch-dir="%s"' % where["minibatches"]),
    )

with DAG(
    dag_id="mnist_sweep_emr",
    description="MNIST CNN hyperparameter sweep as an Amazon EMR step",
    tags=["mnist-spark", "emr"],
    **SCHEDULE,
) as emr_dag:
    add_step = EmrAddStepsOperator(
        task_id="add_sweep_step",
        job_flow_id=EMR_CLUSTER,
        aws_conn_id="aws_default",
        steps=[submit_args.emr_step(JAR, CONF_FILE, S3_PREFIX, EXPERIMENT)],
    )
    watch_step = EmrStepSensor(
        task_id="watch_sweep_step",
        job_flow_id=EMR_CLUSTER,
        step_id="{{ task_instance.xcom_pull(task_ids='add_sweep_step')[0] }}",
        aws_conn_id="aws_default",
    )
    add_step >> watch_step
