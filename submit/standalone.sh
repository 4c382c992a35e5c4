#!/usr/bin/env bash
# Submits the job to a Spark standalone master or to YARN (any other master with SPARK_HOME), in client
# mode by default: the driver runs here. Without a subcommand it runs the sweep.
#
#   submit/standalone.sh spark://127.0.0.1:7077 [job arguments]   for example --epochs 1
#   HADOOP_CONF_DIR=/etc/hadoop/conf DEPLOY_MODE=cluster submit/standalone.sh yarn [job arguments]
# Uses $SPARK_HOME/bin/spark-submit when SPARK_HOME is set, else Spark from target/spark-home (which has
# Spark's YARN client; YARN then needs HADOOP_CONF_DIR or YARN_CONF_DIR, the cluster's configuration).
# The driver reads data.dir (executors get the images from it); executors write output.results and
# output.models at the same paths: a local folder works for submit/local-cluster.sh (one machine);
# use HDFS or S3 elsewhere.
# A yarn master also gets submit/yarn/spark-yarn.conf, the YARN settings the EMR step and the Airflow
# DAGs use (executor and driver memory, ND4J's off-heap limits inside YARN's memory overhead).
# Environment: DEPLOY_MODE (client, the default, or cluster: the driver runs in YARN's ApplicationMaster
#   container, and its output goes to that container's stdout log, not here),
#   EXECUTOR_MEMORY (Spark's default 1g; on YARN it wins over spark-yarn.conf's),
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
DEPLOY_MODE="${DEPLOY_MODE:-client}"
if [[ "$DEPLOY_MODE" != client && "$DEPLOY_MODE" != cluster ]]; then
  echo "error: DEPLOY_MODE must be client or cluster, not '$DEPLOY_MODE'" >&2
  exit 2
fi
options=(--deploy-mode "$DEPLOY_MODE")
[[ -n "${EXECUTOR_MEMORY:-}" ]] && options+=(--executor-memory "$EXECUTOR_MEMORY")
[[ -n "${TOTAL_EXECUTOR_CORES:-}" ]] && options+=(--total-executor-cores "$TOTAL_EXECUTOR_CORES")
# The driver's address, where it runs here (client mode); in cluster mode the cluster chooses it.
[[ -n "${SPARK_LOCAL_IP:-}" && "$DEPLOY_MODE" == client ]] && options+=(--conf "spark.driver.host=$SPARK_LOCAL_IP")
cd "$ROOT"
submit_args "$MASTER" "${options[@]}" -- "$@"
if [[ -n "${MNIST_SPARK_PRINT_ONLY:-}" ]]; then
  printf '%s\n' "${SUBMIT_ARGS[@]}"
  exit 0
fi
"$ROOT/submit/fetch-mnist.sh" "$ROOT/data/mnist" >/dev/null
build_if_needed
spark_submit
