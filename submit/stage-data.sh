#!/usr/bin/env bash
# Copies the verified MNIST files (data/mnist, fetched if missing) to any Hadoop path, for a cluster
# (the stage subcommand; no Spark job runs):
#   submit/stage-data.sh s3a://bucket/mnist        (credentials: the default AWS chain)
#   submit/stage-data.sh hdfs:///data/mnist
# Each file's SHA-256 is checked before and after the copy; the target never holds a partial file.
# More than submit/local.sh stage --to TARGET: it reads the local verified copy as file://..., which a path
# without a scheme would not be on an edge node with HADOOP_CONF_DIR set (there it means the cluster's HDFS).
set -euo pipefail
source "$(dirname "$0")/common.sh"
USAGE="usage: submit/stage-data.sh TARGET_PATH [stage options]   (for example s3a://bucket/mnist)"
TARGET="${1:?$USAGE}"
[[ "$TARGET" != -* ]] || { echo "$USAGE" >&2; exit 2; }
shift
"$ROOT/submit/fetch-mnist.sh" "$ROOT/data/mnist" >/dev/null
build_if_needed
cd "$ROOT"
# file://: with HADOOP_CONF_DIR set (an edge node), a path without a scheme would be on the cluster's HDFS.
SPARK_MASTER="${SPARK_MASTER:-local[1]}" run_local stage --data "file://$ROOT/data/mnist" --to "$TARGET" "$@"
