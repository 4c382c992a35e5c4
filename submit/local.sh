#!/usr/bin/env bash
# The embedded default: fetches MNIST into data/mnist if it is missing, builds the jar if needed,
# and runs the sweep of conf/mnist-sweep.conf on a local Spark inside this JVM (local[*]).
# Results go to results/ (a Parquet table), models to models/.
#
#   submit/local.sh                         the default sweep
#   submit/local.sh --epochs 1 --hidden-channels 10 --set training.learning-rate=0.02
#   submit/local.sh --help                  every option
# Environment: SPARK_MASTER (default local[*]), JAVA_OPTS (for example -Xmx8g).
set -euo pipefail
source "$(dirname "$0")/common.sh"
"$ROOT/submit/fetch-mnist.sh" "$ROOT/data/mnist"
build_if_needed
cd "$ROOT"
run_local sweep --conf conf/mnist-sweep.conf "$@"
