#!/usr/bin/env bash
# Benchmark: the same small sweep on a 2-worker standalone cluster (submit/local-cluster.sh) and on
# local[2], with the cluster's start time and each JVM's peak resident memory, sampled every second.
#
#   submit/benchmark-cluster.sh            6,000 training / 1,000 test images, hidden 5 and 10, 2 epochs
# Writes to work/benchmark-cluster; prints a summary at the end.
set -euo pipefail
source "$(dirname "$0")/common.sh"
"$ROOT/submit/fetch-mnist.sh" "$ROOT/data/mnist" >/dev/null
build_if_needed
OUT="$ROOT/work/benchmark-cluster"
rm -rf "$OUT"; mkdir -p "$OUT"
export SPARK_LOCAL_IP=127.0.0.1
ARGS=(--train-limit "${TRAIN_LIMIT:-6000}" --test-limit 1000 --hidden-channels 5,10 --epochs 2 --workers 2
      --models "" --set "data.minibatch-dir=\"$OUT/minibatches\"")

# Peak RSS (MB) per JVM role, sampled every second into $OUT/rss: java processes only (not the awk whose
# own arguments hold the patterns); ps exits 1 while none runs, which must not end the sampler.
sample_memory() {
  while true; do
    { ps -C java -o rss=,args= || true; } | awk '
      /deploy.master.Master/ {print "master", $1}
      /deploy.worker.Worker/ {print "worker", $1}
      /CoarseGrainedExecutorBackend/ {print "executor", $1}
      /deploy.SparkSubmit/ {print "driver (client mode)", $1}
      /cli.MnistSpark/ && !/SparkSubmit/ {print "local[2] JVM", $1}' >> "$OUT/rss"
    sleep 1
  done
}
sample_memory & SAMPLER=$!
trap 'kill $SAMPLER 2>/dev/null; CLUSTER_DIR="$OUT/cluster" "$ROOT/submit/local-cluster.sh" stop >/dev/null' EXIT

CLUSTER_DIR="$OUT/cluster" MASTER_PORT=7177 MASTER_UI_PORT=8180 "$ROOT/submit/local-cluster.sh" start 2 | tee "$OUT/start"
start=$SECONDS
"$ROOT/submit/standalone.sh" spark://127.0.0.1:7177 "${ARGS[@]}" --experiment cluster \
  --results "$OUT/results" > "$OUT/cluster.log" 2>&1 \
  || { echo "error: the cluster sweep failed; see $OUT/cluster.log" >&2; exit 1; }
cluster_wall=$((SECONDS - start))
CLUSTER_DIR="$OUT/cluster" "$ROOT/submit/local-cluster.sh" stop >/dev/null
start=$SECONDS
(cd "$ROOT" && SPARK_MASTER='local[2]' run_local sweep "${ARGS[@]}" \
  --experiment local --results "$OUT/results") > "$OUT/local.log" 2>&1 \
  || { echo "error: the local sweep failed; see $OUT/local.log" >&2; exit 1; }
local_wall=$((SECONDS - start))
kill $SAMPLER 2>/dev/null || true

echo; echo "cluster start: $(sed -n 's/.*alive after \([0-9]*\) s.*/\1/p' "$OUT/start") s (master + 2 workers)"
echo "sweep wall time, job start to end: cluster ${cluster_wall} s, local[2] ${local_wall} s"
echo "peak resident memory per JVM (MB):"
awk '{ if ($NF > peak[substr($0, 1, length($0) - length($NF) - 1)]) peak[substr($0, 1, length($0) - length($NF) - 1)] = $NF }
     END { for (role in peak) printf "  %-22s %6.0f\n", role, peak[role] / 1024 }' "$OUT/rss" | sort
SPARK_MASTER='local[1]' run_local query --results "$OUT/results" \
  "SELECT experiment, hidden_channels, test_accuracy_last, round(train_seconds, 1) AS train_seconds,
          round(images_per_second) AS images_per_second FROM trials ORDER BY experiment, hidden_channels"
