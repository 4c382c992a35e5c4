#!/usr/bin/env bash
# Submits the sweep to a running Spark standalone master, in client mode (the driver runs here).
#
#   submit/standalone.sh spark://127.0.0.1:7077 [job arguments]   for example --epochs 1
# Uses $SPARK_HOME/bin/spark-submit when SPARK_HOME is set, else Spark from target/spark-home.
# Every executor must read data.dir and data.minibatch-dir and write output.results at the same
# path: a local folder works for submit/local-cluster.sh (one machine); use HDFS or S3 elsewhere.
# Environment: EXECUTOR_MEMORY (default 1g), TOTAL_EXECUTOR_CORES (default: all the cluster has),
#   MNIST_SPARK_PRINT_ONLY=1 prints spark-submit's arguments, one a line, and submits nothing.
set -euo pipefail
source "$(dirname "$0")/common.sh"
MASTER="${1:?usage: submit/standalone.sh spark://host:port [job arguments]}"
shift
# A cluster on this machine's loopback (submit/local-cluster.sh): the driver stays on loopback too.
if [[ "$MASTER" =~ ^spark://(127\.0\.0\.1|localhost): ]]; then
  export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
fi
if [[ -n "${MNIST_SPARK_PRINT_ONLY:-}" ]]; then
  spark_submit() { printf '%s\n' "$@"; }
else
  "$ROOT/submit/fetch-mnist.sh" "$ROOT/data/mnist" >/dev/null
  build_if_needed
fi
cd "$ROOT"
spark_job_confs
extra=()
[[ -n "${TOTAL_EXECUTOR_CORES:-}" ]] && extra+=(--total-executor-cores "$TOTAL_EXECUTOR_CORES")
[[ -n "${SPARK_LOCAL_IP:-}" ]] && extra+=(--conf "spark.driver.host=$SPARK_LOCAL_IP")
spark_submit --master "$MASTER" --deploy-mode client --name mnist-spark --class "$MAIN_CLASS" \
  --executor-memory "${EXECUTOR_MEMORY:-1g}" "${SPARK_CONFS[@]}" "${extra[@]}" \
  "$JAR" sweep --conf conf/mnist-sweep.conf "$@"
