#!/usr/bin/env bash
# Runs a Spark SQL query over the results table and prints the result (the query subcommand).
# Views: trials (one row per trial) and epochs (one row per trial and epoch).
#
#   submit/results.sh                       best configuration per experiment
#   submit/results.sh "SELECT hidden_channels, test_accuracy FROM trials ORDER BY hidden_channels"
#   submit/results.sh --results s3a://bucket/results "SELECT ..."
set -euo pipefail
source "$(dirname "$0")/common.sh"
build_if_needed
cd "$ROOT"
SPARK_MASTER="${SPARK_MASTER:-local[2]}" run_local query "$@"
