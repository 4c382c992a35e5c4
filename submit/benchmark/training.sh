#!/usr/bin/env bash
# Where training time goes (submit/benchmark.sh, and --cluster): the same trial (h = 10, 2 epochs, full
# MNIST, global batch 64) in every way this project can train it, one after another, and a table at the end.
# A benchmark, not a test: figures depend on the machine; compare them as ratios within one run.
#
#   (a) DL4J in one JVM without Spark, 1 and 2 OpenMP threads;
#   (b) each engine on local[2], and the persistent one with 1 worker;
#   (c) with --cluster only: the 2-worker standalone cluster (submit/local-cluster.sh);
#   (d) PyTorch in one process and as DDP 2 x 1 thread, if torch imports.
# Environment: HIDDEN (10), EPOCHS (2), TRAIN_LIMIT (0: all), and any JAVA_OPTS or DNNL_MAX_CPU_ISA
# for every JVM run. Logs and results go to work/benchmark/.
set -euo pipefail
source "$(dirname "$0")/../common.sh"
CLUSTER=0
[[ "${1:-}" == "--cluster" ]] && CLUSTER=1
[[ -z "${1:-}" || "$CLUSTER" == 1 ]] || { echo "usage: submit/benchmark.sh [--cluster]" >&2; exit 2; }
HIDDEN="${HIDDEN:-10}"
EPOCHS="${EPOCHS:-2}"
OUT="$ROOT/work/benchmark"
rm -rf "$OUT"; mkdir -p "$OUT"
"$ROOT/submit/fetch-mnist.sh" "$ROOT/data/mnist" >/dev/null
build_if_needed
cd "$ROOT"
JOB=(--hidden-channels "$HIDDEN" --epochs "$EPOCHS" --train-limit "${TRAIN_LIMIT:-0}" --models "" --rerun
     --results "$OUT/results")
ROWS=()
ROWS_OUT=()

# run NAME LOG COMMAND...: runs it under GNU time (peak resident memory), its output to LOG.
run() {
  local name="$1" log="$2"
  shift 2
  echo "== $name" >&2
  if ! /usr/bin/time -f "peak-rss-kb %M" -o "$log.time" "$@" > "$log" 2>&1; then
    echo "error: $name failed; see $log" >&2
    exit 1
  fi
  ROWS+=("$name|$log")
}

run "(a) DL4J, one JVM, 1 thread" "$OUT/one-jvm-1.log" env OMP_NUM_THREADS=1 submit/local.sh baseline "${JOB[@]}"
run "(a) DL4J, one JVM, 2 threads" "$OUT/one-jvm-2.log" env OMP_NUM_THREADS=2 submit/local.sh baseline "${JOB[@]}"
for engine in dl4j persistent; do
  run "(b) $engine engine, local[2]" "$OUT/local-$engine.log" env SPARK_MASTER='local[2]' submit/local.sh \
    "${JOB[@]}" --engine "$engine" --workers 2 --experiment "bench-$engine"
done
run "(b) persistent, local[2], 1 worker" "$OUT/local-persistent-1.log" env SPARK_MASTER='local[2]' \
  submit/local.sh "${JOB[@]}" --engine persistent --workers 1 --set training.batch-size-per-worker=32 \
  --experiment bench-one-worker

if (( CLUSTER )); then
  export SPARK_LOCAL_IP=127.0.0.1
  CLUSTER_DIR="$OUT/cluster" MASTER_PORT=7277 MASTER_UI_PORT=8280 submit/local-cluster.sh start 2 > "$OUT/cluster-start.log"
  trap 'CLUSTER_DIR="$OUT/cluster" submit/local-cluster.sh stop >/dev/null' EXIT
  # Peak memory of the executor JVMs, which GNU time on the driver does not see.
  ( while sleep 1; do ps -C java -o rss=,args= 2>/dev/null | awk '/CoarseGrainedExecutorBackend/ {print $1}'; done \
      > "$OUT/executor-rss" ) & SAMPLER=$!
  for engine in dl4j persistent; do
    run "(c) $engine engine, standalone, 2 workers" "$OUT/cluster-$engine.log" submit/standalone.sh \
      spark://127.0.0.1:7277 "${JOB[@]}" --engine "$engine" --workers 2 --experiment "bench-cluster-$engine"
  done
  kill "$SAMPLER" 2>/dev/null || true
fi

if /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  run "(d) PyTorch, one process, 2 threads" "$OUT/pytorch.log" /usr/bin/python3 \
    src/test/python/pytorch_reference_sweep.py data/mnist --hidden "$HIDDEN" --epochs "$EPOCHS" --threads 2
  run "(d) PyTorch DDP, 2 processes x 1 thread" "$OUT/pytorch-ddp.log" env GLOO_SOCKET_IFNAME=lo /usr/bin/python3 \
    src/test/python/pytorch_ddp.py data/mnist --hidden "$HIDDEN" --epochs "$EPOCHS" --processes 2
else
  echo "(d) PyTorch: not run, torch does not import (Debian: apt-get install python3-torch)" >&2
fi

# The last epoch of each run: seconds, images/s, accuracy, and for Spark the per-worker breakdown.
images=$(( ${TRAIN_LIMIT:-0} > 0 ? ${TRAIN_LIMIT:-0} : 60000 ))
base=""; torch_rate=""
printf '\nh = %s, %s epochs, %s training images, global batch 64; last epoch:\n\n' "$HIDDEN" "$EPOCHS" "$images"
printf '| %-40s | %8s | %8s | %8s | %8s | %6s | %8s | %s |\n' way "epoch s" "images/s" "x (a)1t" "x PyTorch" "test acc" \
  "peak RSS" "per worker: fit / data / setup / other s"
printf '|%s|\n' "------------------------------------------|----------|----------|----------|----------|--------|----------|------------------------------"
for row in "${ROWS[@]}"; do
  name="${row%%|*}"; log="${row#*|}"
  if [[ "$name" == "(d)"* ]]; then
    line=$(grep "epoch=$EPOCHS:" "$log" | tail -n 1)
    seconds=$(sed -n 's/.*; \([0-9.]*\) s$/\1/p' <<< "$line")
    accuracy=$(sed -n 's/.* = \([0-9.]*\);.*/\1/p' <<< "$line")
    rate=$(awk -v n="$images" -v s="$seconds" 'BEGIN { printf "%.0f", n / s }')
    split="-"
  else
    line=$(grep "epoch $EPOCHS/$EPOCHS done" "$log" | tail -n 1)
    seconds=$(sed -n 's/.*; \([0-9.]*\) s, [0-9]* images\/s$/\1/p' <<< "$line")
    rate=$(sed -n 's/.* \([0-9]*\) images\/s$/\1/p' <<< "$line")
    accuracy=$(sed -n 's/.*test accuracy [0-9]*\/[0-9]* = \([0-9.]*\);.*/\1/p' <<< "$line")
    split=$(grep -A1 "epoch $EPOCHS/$EPOCHS done" "$log" | tail -n 1 \
      | sed -n 's/.*fit \([0-9.]*\) s, data \([0-9.]*\) s, setup \([0-9.]*\) s, other \([0-9.]*\) s.*/\1 \/ \2 \/ \3 \/ \4/p')
  fi
  rss=$(awk '{ printf "%.0f MB", $2 / 1024 }' "$log.time")
  if [[ "$name" == "(c)"* && -s "$OUT/executor-rss" ]]; then
    rss="$rss + $(sort -n "$OUT/executor-rss" | tail -n 1 | awk '{ printf "%.0f", $1 / 1024 }') exec"
  fi
  [[ -z "$base" ]] && base="$rate"
  [[ "$name" == "(d) PyTorch, one process"* ]] && torch_rate="$rate"
  ROWS_OUT+=("$name|$seconds|$rate|$accuracy|$rss|$split")
done
for out in "${ROWS_OUT[@]}"; do
  IFS='|' read -r name seconds rate accuracy rss split <<< "$out"
  vs_base=$(awk -v r="$rate" -v b="$base" 'BEGIN { printf "%.2f", r / b }')
  vs_torch=$( [[ -n "$torch_rate" ]] && awk -v r="$rate" -v t="$torch_rate" 'BEGIN { printf "%.2f", r / t }' || echo "-")
  printf '| %-40s | %8s | %8s | %8s | %8s | %6s | %8s | %s |\n' "$name" "$seconds" "$rate" "$vs_base" "$vs_torch" \
    "$accuracy" "$rss" "$split"
done
(( CLUSTER )) && grep -h "alive after" "$OUT/cluster-start.log" | sed 's/^/\nstandalone cluster: /'
echo
echo "Logs: $OUT"
