#!/usr/bin/env bash
# Compute per core (submit/benchmark.sh --compute): what oneDNN's instruction set does to training speed
# on this CPU, and where DL4J stands against PyTorch, in one run. A benchmark, not a test.
#
#  1. the matrix: ComputeProbe (the CNN's fit alone, no Spark) for h in HIDDENS (2,10,32), minibatches
#     per worker in BATCHES (32,64), 1 thread and 2 threads each fitting its own network (as 2 workers on
#     local[2] do), once per instruction set the CPU has (AVX, AVX2, AVX512_CORE, ALL), beside PyTorch's
#     figure for the same shape (one process, torch.set_num_threads);
#  2. per instruction set, the kernels oneDNN chose and the reorders per iteration (DNNL_VERBOSE=1);
#  3. the job's own choice (CpuIsa: calibrated once per CPU model and host, then cached);
#  4. the default local run (local[2], h = 10, 2 epochs, full MNIST) against PyTorch's one process with
#     2 threads, epoch 2;
# then the targets, each marked met or not. Environment: HIDDENS, BATCHES, ITERATIONS (100), SKIP_JOB=1 to
# leave out 4. Logs go to work/benchmark-compute/.
set -euo pipefail
source "$(dirname "$0")/../common.sh"
HIDDENS="${HIDDENS:-2,10,32}"
BATCHES="${BATCHES:-32,64}"
ITERATIONS="${ITERATIONS:-100}"
OUT="$ROOT/work/benchmark-compute"
rm -rf "$OUT"; mkdir -p "$OUT"
build_if_needed
cd "$ROOT"
TORCH=0
/usr/bin/python3 -c 'import torch' 2>/dev/null && TORCH=1

# probe ARGS...: ComputeProbe in a JVM of its own, one OpenMP thread per Java thread as the job runs them.
probe() {
  OMP_NUM_THREADS=1 java @submit/jvm.args -Xmx1g -Dlog4j.configurationFile="$ROOT/conf/log4j2.properties" \
    -cp "$ROOT/target/mnist-spark.jar" org.mnistspark.model.ComputeProbe "$@"
}

CPU=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
FAMILY=$(sed -n 's/^cpu family[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
MODEL=$(sed -n 's/^model[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
FLAGS=" $(sed -n 's/^flags[[:space:]]*: //p' /proc/cpuinfo | head -n 1) "
ISAS=()
[[ "$FLAGS" == *" avx "* ]] && ISAS+=(AVX)
[[ "$FLAGS" == *" avx2 "* ]] && ISAS+=(AVX2)
if [[ "$FLAGS" == *" avx512f "* && "$FLAGS" == *" avx512bw "* && "$FLAGS" == *" avx512vl "* && "$FLAGS" == *" avx512dq "* ]]; then
  ISAS+=(AVX512_CORE ALL)
else
  ISAS+=(ALL)
fi
echo "== $CPU (family $FAMILY model $MODEL), $(nproc) cores; instruction sets: ${ISAS[*]}" >&2

echo "== the job's own choice" >&2
(unset DNNL_MAX_CPU_ISA; probe 10 32 1 1) > "$OUT/choice.log" 2>&1
CHOICE_LINE=$(grep -m1 '^oneDNN instruction set' "$OUT/choice.log") || { cat "$OUT/choice.log" >&2; exit 1; }
CHOSEN=$(awk '{ print $4 }' <<< "$CHOICE_LINE")

for isa in "${ISAS[@]}"; do
  echo "== matrix, DNNL_MAX_CPU_ISA=$isa" >&2
  DNNL_MAX_CPU_ISA="$isa" probe "$HIDDENS" "$BATCHES" 1,2 "$ITERATIONS" > "$OUT/probe-$isa.log" 2>&1 \
    || { tail "$OUT/probe-$isa.log" >&2; exit 1; }
  DNNL_MAX_CPU_ISA="$isa" DNNL_VERBOSE=1 probe 10 32 1 5 > "$OUT/verbose-$isa.log" 2>&1 \
    || { tail "$OUT/verbose-$isa.log" >&2; exit 1; }
done
if (( TORCH )); then
  echo "== PyTorch, the same shapes" >&2
  /usr/bin/python3 src/test/python/pytorch_compute_probe.py --hidden "$HIDDENS" --batch "$BATCHES" --threads 1,2 \
    --iterations "$ITERATIONS" > "$OUT/torch.log" 2>&1
fi

if [[ "${SKIP_JOB:-0}" != 1 ]]; then
  "$ROOT/submit/fetch-mnist.sh" "$ROOT/data/mnist" >/dev/null
  echo "== the default local run: local[2], h = 10, 2 epochs (the job's own choice)" >&2
  env -u DNNL_MAX_CPU_ISA SPARK_MASTER='local[2]' submit/local.sh --hidden-channels 10 --epochs 2 --models "" \
    --rerun --results "$OUT/results" --experiment bench-compute > "$OUT/job.log" 2>&1 \
    || { tail "$OUT/job.log" >&2; exit 1; }
  if (( TORCH )); then
    echo "== PyTorch, one process, 2 threads, h = 10, 2 epochs" >&2
    /usr/bin/python3 src/test/python/pytorch_reference_sweep.py data/mnist --hidden 10 --epochs 2 --threads 2 \
      > "$OUT/torch-epochs.log" 2>&1
  fi
fi

# rate FILE H BATCH THREADS: images/s of that line of a probe or torch log.
rate() {
  awk -v key="h=$2 batch=$3 threads=$4 " 'index($0, key) { for (i = 1; i <= NF; i++) if ($i == "images/s") print $(i + 1) }' "$1" | tail -n 1
}

printf '\n%s (family %s model %s), %s cores. ComputeProbe: images/s of fit alone, %s iterations after 2 s of warm-up.\n' \
  "$CPU" "$FAMILY" "$MODEL" "$(nproc)" "$ITERATIONS"
printf 'The job chose %s: %s\n\n' "$CHOSEN" "${CHOICE_LINE#oneDNN instruction set }"
header="| h | batch | threads |"; rule="|---|---|---|"
for isa in "${ISAS[@]}"; do header+=" $isa |"; rule+="---|"; done
header+=" PyTorch | chosen / fastest | PyTorch / chosen |"; rule+="---|---|---|"
echo "$header"; echo "$rule"
WORST=""; WORST_CELL=""
IFS=',' read -r -a HS <<< "$HIDDENS"; IFS=',' read -r -a BS <<< "$BATCHES"
for h in "${HS[@]}"; do for b in "${BS[@]}"; do for t in 1 2; do
  line="| $h | $b | $t |"; best=0; chosen_rate=""
  for isa in "${ISAS[@]}"; do
    r=$(rate "$OUT/probe-$isa.log" "$h" "$b" "$t")
    mark=""; [[ "$isa" == "$CHOSEN" ]] && { mark="*"; chosen_rate="$r"; }
    line+=" ${r%.*}$mark |"
    best=$(awk -v a="$best" -v b="$r" 'BEGIN { print (b > a ? b : a) }')
  done
  torch=$( (( TORCH )) && rate "$OUT/torch.log" "$h" "$b" "$t" || echo "")
  if [[ -n "$chosen_rate" ]]; then
    ratio=$(awk -v c="$chosen_rate" -v b="$best" 'BEGIN { printf "%.2f", c / b }')
    if [[ -z "$WORST" ]] || awk -v r="$ratio" -v w="$WORST" 'BEGIN { exit !(r < w) }'; then
      WORST="$ratio"; WORST_CELL="h=$h batch=$b threads=$t"
    fi
  else
    ratio="-"
  fi
  vs_torch=$([[ -n "$torch" && -n "$chosen_rate" ]] && awk -v t="$torch" -v c="$chosen_rate" 'BEGIN { printf "%.2f", t / c }' || echo "-")
  line+=" ${torch%.*} | $ratio | $vs_torch |"
  echo "$line"
done; done; done
echo
echo "* the job's choice. Busy threads (h = 10, batch 32, 2 threads) and oneDNN's kernels (h = 10, batch 32, 1 thread, DNNL_VERBOSE):"
echo
echo "| isa | busy threads | reorders / iteration | kernels (primitive, propagation: implementation) |"
echo "|---|---|---|---|"
for isa in "${ISAS[@]}"; do
  busy=$(awk '/h=10 batch=32 threads=2 / { for (i = 1; i <= NF; i++) if ($i == "busy-threads") print $(i + 1) }' "$OUT/probe-$isa.log")
  # Iterations: the first convolution's forward passes (one per fit; the warm-up's length is by time).
  summary=$(awk -F, '$1 == "dnnl_verbose" && $2 == "exec" {
      if ($4 == "reorder") { reorders++; next }
      if ($4 == "convolution" && $6 ~ /^forward/ && $10 ~ /_ic1oc/) iterations++
      key = $4 " " $6 ": " $5; if (!(key in seen)) { seen[key] = 1; kernels = kernels (kernels ? "; " : "") key } }
    END { printf "%.1f|%s", reorders / iterations, kernels }' "$OUT/verbose-$isa.log")
  echo "| $isa | $busy | ${summary%%|*} | ${summary#*|} |"
done

echo
echo "Targets:"
if [[ "${SKIP_JOB:-0}" != 1 ]]; then
  job_s=$(grep "epoch 2/2 done" "$OUT/job.log" | tail -n 1 | sed -n 's/.*; \([0-9.]*\) s, [0-9]* images\/s$/\1/p')
  torch_s=$( (( TORCH )) && grep "epoch=2:" "$OUT/torch-epochs.log" | sed -n 's/.*; \([0-9.]*\) s$/\1/p' || echo "")
  if [[ -n "$torch_s" ]]; then
    x=$(awk -v j="$job_s" -v t="$torch_s" 'BEGIN { printf "%.2f", j / t }')
    met=$(awk -v x="$x" 'BEGIN { print (x <= 1.5 ? "met" : "not met") }')
    echo "- default local run, epoch 2: $job_s s against PyTorch's one process with 2 threads $torch_s s = ${x}x (target <= 1.5x): $met"
  else
    echo "- default local run, epoch 2: $job_s s; PyTorch not run (python3-torch missing)"
  fi
fi
# Over the whole matrix: each instruction set's geometric mean of images/s; the chosen one against the best.
declare -A GEO
best_isa=""; best_geo=0
for isa in "${ISAS[@]}"; do
  GEO[$isa]=$(awk '/^probe / { for (i = 1; i <= NF; i++) if ($i == "images/s") { s += log($(i + 1)); n++ } }
    END { printf "%.0f", exp(s / n) }' "$OUT/probe-$isa.log")
  awk -v g="${GEO[$isa]}" -v b="$best_geo" 'BEGIN { exit !(g > b) }' && { best_geo="${GEO[$isa]}"; best_isa="$isa"; }
done
ratio=$(awk -v c="${GEO[$CHOSEN]:-0}" -v b="$best_geo" 'BEGIN { printf "%.2f", c / b }')
met=$(awk -v r="$ratio" 'BEGIN { print (r >= 0.90 ? "met" : "not met") }')
echo "- the chosen $CHOSEN against the fastest measured, over the matrix (geometric means:$(for isa in "${ISAS[@]}"; do printf ' %s %s' "$isa" "${GEO[$isa]}"; done)): ${ratio}x of $best_isa (target >= 0.90): $met; worst single cell $WORST_CELL ${WORST}x"
if (( TORCH )); then
  one=$(rate "$OUT/probe-$CHOSEN.log" 10 64 1 2>/dev/null || true)
  torch_one=$(rate "$OUT/torch.log" 10 64 1)
  if [[ -n "$one" && -n "$torch_one" ]]; then
    x=$(awk -v t="$torch_one" -v c="$one" 'BEGIN { printf "%.2f", t / c }')
    met=$(awk -v x="$x" 'BEGIN { print (x <= 1.6 ? "met" : "not met") }')
    echo "- one thread, h = 10, batch 64: PyTorch ${torch_one%.*} images/s, DL4J ${one%.*} = ${x}x PyTorch's time (target <= 1.6x): $met"
  fi
fi
echo
echo "Logs: $OUT"
