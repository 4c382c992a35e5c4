#!/usr/bin/env bash
# How the sweep scales, measured on this machine (submit/benchmark.sh --scale runs this):
#   1. the default 5-trial sweep (full MNIST, 2 epochs) several ways, one after another:
#      (a) one trial at a time on all cores, as before 0.2 (--parallel-trials 1; 2 workers = 2 cores)
#      (b) the default: trials side by side as sweep.parallel-trials = 0 chooses, 2 workers each
#      (c) 2 trials at once with 1 worker each (other trials: a worker count is part of the trial id)
#      (d) one trial at a time, 2 workers, on a standalone cluster of 4 one-core executors
#   2. round-cost (what one averaging round costs besides fitting, for 2-16 tasks, and how many rounds
#      the driver turns over with 1-16 trials at once) on local[2] and on that cluster;
#   then tables of both, and of what they predict for clusters of 2 to 256 cores (docs/performance.md: "Scaling out").
# A benchmark, not a test: figures depend on the machine; compare them as ratios within one run.
# Environment: TRAIN_LIMIT (0: all), EPOCHS (2), HIDDEN (2,5,10,20,32), WAYS (abcd: which of 1. to run).
# Logs and results go to work/benchmark-scale/.
set -euo pipefail
source "$(dirname "$0")/../common.sh"
OUT="$ROOT/work/benchmark-scale"
rm -rf "$OUT"; mkdir -p "$OUT"
"$ROOT/submit/fetch-mnist.sh" "$ROOT/data/mnist" >/dev/null
build_if_needed
cd "$ROOT"
WAYS="${WAYS:-abcd}"
JOB=(--hidden-channels "${HIDDEN:-2,5,10,20,32}" --epochs "${EPOCHS:-2}" --train-limit "${TRAIN_LIMIT:-0}"
     --models "" --rerun --experiment scale --engine persistent)
CPU="$(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores"

# sweep NAME LOG COMMAND...: one sweep, its output to LOG; fails the benchmark if it fails.
sweep() {
  local name="$1" log="$2"
  shift 2
  echo "== $name" >&2
  local started=$SECONDS
  if ! "$@" > "$log" 2>&1; then
    echo "error: $name failed; see $log" >&2
    exit 1
  fi
  echo "$name|$log|$((SECONDS - started))" >> "$OUT/sweeps"
}

# What must not change between ways: each trial's id, last test count and test loss, in grid order.
fingerprint() {
  awk '/^\[[0-9]+\/[0-9]+\] trial / { id[$1] = $3 }
       /^\[[0-9]+\/[0-9]+\]  epoch [0-9]+\/[0-9]+ done:/ { last[$1] = $10 " " $7 }
       END { for (k in id) print k, id[k], last[k] }' "$1" | sort -t/ -k1.2n
}

[[ "$WAYS" == *a* ]] && sweep "(a) local[2], 1 trial at once, 2 workers" "$OUT/a.log" \
  env SPARK_MASTER='local[2]' submit/local.sh "${JOB[@]}" --results "$OUT/results-a" --parallel-trials 1
[[ "$WAYS" == *b* ]] && sweep "(b) local[2], the default, 2 workers" "$OUT/b.log" \
  env SPARK_MASTER='local[2]' submit/local.sh "${JOB[@]}" --results "$OUT/results-b"
[[ "$WAYS" == *c* ]] && sweep "(c) local[2], 2 trials at once, 1 worker" "$OUT/c.log" \
  env SPARK_MASTER='local[2]' submit/local.sh "${JOB[@]}" --results "$OUT/results-c" --parallel-trials 2 \
  --workers 1

env SPARK_MASTER='local[2]' submit/local.sh round-cost > "$OUT/round-cost-local.log" 2>&1 \
  || { echo "error: round-cost failed; see $OUT/round-cost-local.log" >&2; exit 1; }

export SPARK_LOCAL_IP=127.0.0.1
CLUSTER=(env CLUSTER_DIR="$OUT/cluster" MASTER_PORT=7377 MASTER_UI_PORT=8380 WORKER_MEMORY=2g)
"${CLUSTER[@]}" submit/local-cluster.sh start 4 > "$OUT/cluster-start.log"
trap '"${CLUSTER[@]}" submit/local-cluster.sh stop >/dev/null' EXIT
MASTER=spark://127.0.0.1:7377
[[ "$WAYS" == *d* ]] && sweep "(d) cluster of 4 x 1 core, 1 trial at once, 2 workers" "$OUT/d.log" \
  env EXECUTOR_MEMORY=1500m TOTAL_EXECUTOR_CORES=4 submit/standalone.sh "$MASTER" "${JOB[@]}" \
  --results "$OUT/results-d" --parallel-trials 1
env EXECUTOR_MEMORY=1500m TOTAL_EXECUTOR_CORES=4 submit/standalone.sh "$MASTER" round-cost \
  > "$OUT/round-cost-cluster.log" 2>&1 || { echo "error: round-cost failed; see $OUT/round-cost-cluster.log" >&2; exit 1; }

printf '\nThe sweep (%s), on %s:\n\n' "${HIDDEN:-2,5,10,20,32}" "$CPU"
printf '| %-52s | %10s | %10s | %7s | %6s | %-34s |\n' way "training s" "x (a)" "wall s" "same as (a)" "trial seconds (grid order)"
printf '|%s|\n' "------------------------------------------------------|------------|------------|---------|-------------|------------------------------------"
base=""; base_print=""
while IFS='|' read -r name log wall; do
  training=$(sed -n 's/^Trials done in \([0-9.]*\) s.*/\1/p' "$log")
  [[ -z "$base" ]] && base="$training" && fingerprint "$log" > "$OUT/fingerprint-first"
  fingerprint "$log" > "$log.fingerprint"
  same=$(cmp -s "$log.fingerprint" "$OUT/fingerprint-first" && echo yes || echo no)
  [[ "$name" == "(c)"* ]] && same="n/a (ids)"
  # Each trial from its first line to its last epoch's: its own time, side by side or not.
  seconds=$(awk '/^\[[0-9]+\/[0-9]+\]  epoch [0-9]+\/[0-9]+ done:/ { t[$1] += $(NF-3) }
                 END { for (k in t) print k, t[k] }' "$log" | sort -t/ -k1.2n | awk '{ printf "%.1f ", $2 }')
  printf '| %-52s | %10s | %10s | %7s | %-11s | %-34s |\n' "$name" "$training" \
    "$(awk -v a="$training" -v b="$base" 'BEGIN { printf "%.2f", a / b }')" "$wall" "$same" "$seconds"
done < "$OUT/sweeps"
echo
echo "(training s: the sweep's \"Trials done in\", first trial's start to last one's end; trial seconds: the sum"
echo " of a trial's epoch times, longer when trials share cores; same as (a): each trial's id, last test count"
echo " and test loss equal those of the first way.)"

for where in local cluster; do
  printf '\nround-cost on %s (%s):\n' "$where" "$CPU"
  grep -E '^(round cost|\|)' "$OUT/round-cost-$where.log"
done

# What the figures predict for a cluster of C cores (C/2 two-core slots of 2 workers, the default 2 x C / 2
# trials at once), for the default grid and for conf/tune.conf (24 configurations, ASHA eta 3, rungs of
# 1, 3, 9 epochs: 52 epochs in all, 9 on the longest chain):
#   T(C) = max(W / (C/2 * g), L)
# W: the work, in seconds of one trial alone on 2 cores; g: the gain of 2 trials per 2 cores over 1
# (way (a) / way (b), 1 when C/2 slots hold every trial); L: the longest chain, which no cluster
# shortens (the slowest trial alone; for tuning, 9 epochs). Rounds per trial: epochs x the images over
# the 1,280 a round takes (2 workers x 20 minibatches x 32); the driver must turn over the rounds of
# every trial in flight, which round-cost's concurrent table bounds.
if [[ "$WAYS" == *a* && "$WAYS" == *b* ]]; then
  images=$(( ${TRAIN_LIMIT:-0} > 0 ? ${TRAIN_LIMIT:-0} : 60000 ))
  driver=$(awk -F'|' '/^\| [0-9]+ \| [0-9]+ \| [0-9.]+ \|/ { if ($4 + 0 > max) max = $4 + 0 } END { print max }' \
    "$OUT/round-cost-cluster.log")
  trials=$(awk '/^\[[0-9]+\/[0-9]+\]  epoch [0-9]+\/[0-9]+ done:/ { t[$1] += $(NF-3) }
                END { for (k in t) printf "%s ", t[k] }' "$OUT/a.log")
  ta=$(sed -n 's/^Trials done in \([0-9.]*\) s.*/\1/p' "$OUT/a.log")
  tb=$(sed -n 's/^Trials done in \([0-9.]*\) s.*/\1/p' "$OUT/b.log")
  printf '\nPredicted from these figures (T(C) = max(W / (C/2 x g), L); see docs/performance.md, "Scaling out"):\n\n'
  awk -v trials="$trials" -v ta="$ta" -v tb="$tb" -v driver="$driver" -v images="$images" \
      -v epochs="${EPOCHS:-2}" 'BEGIN {
    n = split(trials, t, " "); sum = 0; longest = 0
    for (i = 1; i <= n; i++) { sum += t[i]; if (t[i] > longest) longest = t[i] }
    scale = ta / sum                       # each trial alone, with its share of testing and commits
    W = ta; L = longest * scale; g = ta / tb
    epoch = ta / (n * epochs)              # the mean epoch of the grid, alone on 2 cores
    Wt = 52 * epoch; Lt = 9 * epoch
    rounds = epochs * int((images + 1279) / 1280)
    rate = rounds / (ta / n)               # rounds per second of one trial alone
    printf "W = %.1f s over %d trials (longest %.1f s), g = %.2f, mean epoch %.1f s, %d rounds a trial, ", W, n, L, g, epoch, rounds
    printf "%.2f rounds/s a trial, driver ceiling %.1f rounds/s\n\n", rate, driver
    printf "| cores | grid: trials at once | grid: s | grid: x 2 cores | tune: rungs at once | tune: s | tune: x 2 cores | driver rounds/s (tune) |\n"
    printf "|---|---|---|---|---|---|---|---|\n"
    split("2 4 8 16 32 64 128 256", cores, " ")
    for (k = 1; k <= 8; k++) {
      C = cores[k]; slots = C / 2; P = 2 * slots
      pg = P < n ? P : n; pt = P < 24 ? P : 24
      gg = pg > slots ? g : 1; gt = pt > slots ? g : 1
      Tg = W / (slots * gg); if (Tg < L) Tg = L
      Tt = Wt / (slots * gt); if (Tt < Lt) Tt = Lt
      if (k == 1) { T2 = Tg; Tt2 = Tt }
      need = (pt > slots ? slots * g : pt) * rate   # sharing a slot, two trials run g / 2 as fast each
      printf "| %d | %d | %.0f | %.2f | %d | %.0f | %.2f | %.0f%s |\n", C, pg, Tg, Tg / T2, pt, Tt, Tt / Tt2, need, (need > driver ? " (over the ceiling)" : "")
    }
  }'
fi
