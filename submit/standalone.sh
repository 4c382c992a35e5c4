#!/usr/bin/env bash
# Submits the job to a Spark standalone master (or any master, with SPARK_HOME), in client mode:
# the driver runs here. Without a subcommand it runs the sweep.
#
#   submit/standalone.sh spark://127.0.0.1:7077 [job arguments]   for example --epochs 1
# Uses $SPARK_HOME/bin/spark-submit when SPARK_HOME is set, else Spark from target/spark-home.
# The driver reads data.dir (executors get the images from it); executors write output.results and
# output.models at the same paths: a local folder works for submit/local-cluster.sh (one machine);
# use HDFS or S3 elsewhere.
# A yarn master also gets submit/yarn/spark-yarn.conf, the YARN settings the EMR step and the Airflow
# DAGs use (executor and driver memory, ND4J's off-heap limits inside YARN's memory overhead).
# Environment: EXECUTOR_MEMORY (Spark's default 1g; on YARN it wins over spark-yarn.conf's),
#   TOTAL_EXECUTOR_CORES (default: all the cluster has),
#   MNIST_SPARK_PRINT_ONLY=1 prints spark-submit's arguments, one a line, and submits nothing.
set -euo pipefail
source "$(dirname "$0")/common.sh"
MASTER="${1:?usage: submit/standalone.sh MASTER_URL [job arguments]}"
shift
# A cluster on this machine's loopback (submit/local-cluster.sh): the driver stays on loopback too.
if [[ "$MASTER" =~ ^spark://(127\.0\.0\.1|localhost): ]]; then
  export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
fi
# YARN: the shared YARN settings, merged into spark-job.conf's by submit_args (submit/common.sh).
if [[ "$MASTER" == yarn* ]]; then
  SPARK_CONF_FILES=("$ROOT/submit/yarn/spark-yarn.conf")
fi
options=(--deploy-mode client)
[[ -n "${EXECUTOR_MEMORY:-}" ]] && options+=(--executor-memory "$EXECUTOR_MEMORY")
[[ -n "${TOTAL_EXECUTOR_CORES:-}" ]] && options+=(--total-executor-cores "$TOTAL_EXECUTOR_CORES")
[[ -n "${SPARK_LOCAL_IP:-}" ]] && options+=(--conf "spark.driver.host=$SPARK_LOCAL_IP")
cd "$ROOT"
submit_args "$MASTER" "${options[@]}" -- "$@"
if [[ -n "${MNIST_SPARK_PRINT_ONLY:-}" ]]; then
  printf '%s\n' "${SUBMIT_ARGS[@]}"
  exit 0
fi
"$ROOT/submit/fetch-mnist.sh" "$ROOT/data/mnist" >/dev/null
build_if_needed
spark_submit
