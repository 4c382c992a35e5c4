#!/usr/bin/env bash
# The embedded default: fetches MNIST into data/mnist if it is missing, builds the jar if needed,
# and runs the job on a local Spark inside this JVM (local[*]). With no arguments it runs the default
# sweep (results to results/, a Parquet table; models to models/); otherwise any subcommand:
#
#   submit/local.sh                                   the default sweep
#   submit/local.sh --epochs 1 --hidden-channels 10   a sweep with other settings
#   submit/local.sh --conf conf/quick.conf            a sweep from a settings file
#   submit/local.sh query "SELECT ..."                any subcommand
#   submit/local.sh sweep --help                      every option of one subcommand
# Environment: SPARK_MASTER (default local[*]), JAVA_OPTS (for example -Xmx8g).
set -euo pipefail
source "$(dirname "$0")/common.sh"
"$ROOT/submit/fetch-mnist.sh" "$ROOT/data/mnist" >&2
build_if_needed
cd "$ROOT"
run_local "$@"
