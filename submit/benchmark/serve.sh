#!/usr/bin/env bash
# Serving under load, on this machine (submit/benchmark.sh --serve runs this): starts `serve` on 127.0.0.1
# with the default sweep's best model and drives it with wrk over keep-alive connections, DURATION seconds
# per load after a warm-up: single images (JSON, 784 numbers) from 8 and 64 connections, and batches of 64
# (npy as the SageMaker SDK's NumpySerializer sends them, from 8 and 64 connections; JSON and CSV from 8).
# Prints requests/s, images/s and latency p50/p99/p99.9 per load with the targets of issue 17 marked, and
# PyTorch's forward passes of the same network in one process (batches of 1 and 64), if torch imports.
# A benchmark, not a test: figures depend on the machine, and wrk shares its cores with the server.
# Needs wrk (Debian: apt-get install -y wrk), curl and python3 (which writes the bodies).
# Environment: MODEL (best:mnist-cnn), RESULTS (results: run the default sweep, submit/local.sh, first),
# DURATION (10 s), THREADS (server request threads; default one per core), BATCH_WAIT_MS (2), PORT (8089),
# WRK_THREADS (1). Logs and bodies go to work/benchmark-serve/.
set -euo pipefail
source "$(dirname "$0")/../common.sh"
MODEL="${MODEL:-best:mnist-cnn}"
RESULTS="${RESULTS:-$ROOT/results}"
DURATION="${DURATION:-10}"
THREADS="${THREADS:-$(nproc)}"
BATCH_WAIT_MS="${BATCH_WAIT_MS:-2}"
PORT="${PORT:-8089}"
WRK_THREADS="${WRK_THREADS:-1}"
OUT="$ROOT/work/benchmark-serve"
URL="http://127.0.0.1:$PORT"
for tool in wrk curl python3; do
  command -v "$tool" >/dev/null || { echo "error: $tool is needed (Debian: apt-get install -y $tool)" >&2; exit 1; }
done
[[ -d "$RESULTS/trials" ]] || { echo "error: no results table in $RESULTS: run the default sweep first" \
  "(submit/local.sh), or set RESULTS and MODEL" >&2; exit 2; }
rm -rf "$OUT"; mkdir -p "$OUT"
"$ROOT/submit/fetch-mnist.sh" "$ROOT/data/mnist" >/dev/null
build_if_needed
cd "$ROOT"
python3 src/test/python/serve_bodies.py data/mnist "$OUT"
CPU="$(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores"
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)

echo "== serve $MODEL on $URL (log: $OUT/serve.log)" >&2
submit/local.sh serve --model "$MODEL" --results "$RESULTS" --host 127.0.0.1 --port "$PORT" --threads "$THREADS" \
  --batch-wait-ms "$BATCH_WAIT_MS" > "$OUT/serve.log" 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true' EXIT
for _ in $(seq 300); do
  curl -sf "$URL/ping" >/dev/null 2>&1 && break
  kill -0 "$SERVER" 2>/dev/null || { tail -n 20 "$OUT/serve.log" >&2; echo "error: serve stopped" >&2; exit 1; }
  sleep 1
done
curl -sf "$URL/ping" >/dev/null || { echo "error: serve did not answer /ping within 300 s" >&2; exit 1; }
grep -E '^(serving|batching)' "$OUT/serve.log" >&2
HIDDEN=$(sed -n 's/.*, \([0-9]*\) hidden channels, on .*/\1/p' "$OUT/serve.log")

# LOADS: name|connections|body|Content-Type|images per request|target
LOADS=(
  "single image, JSON|8|single.json|application/json|1|single"
  "single image, JSON|64|single.json|application/json|1|-"
  "batch of 64, npy uint8|8|batch.npy|application/x-npy|64|batch"
  "batch of 64, npy uint8|64|batch.npy|application/x-npy|64|batch"
  "batch of 64, JSON instances|8|batch.json|application/json|64|batch"
  "batch of 64, CSV|8|batch.csv|text/csv|64|batch"
)
# Each body once, checked: 200 and a prediction per image.
for load in "${LOADS[@]}"; do
  IFS='|' read -r name _ body type images _ <<< "$load"
  status=$(curl -s -o "$OUT/answer" -w '%{http_code}' -H "Content-Type: $type" --data-binary "@$OUT/$body" \
    "$URL/invocations")
  [[ "$status" == 200 && $(grep -o '"label"' "$OUT/answer" | wc -l) == "$images" ]] \
    || { echo "error: $name answered $status: $(head -c 300 "$OUT/answer")" >&2; exit 1; }
done

# wrk_load CONNECTIONS BODY TYPE SECONDS: its RESULT line; wrk's own output in $OUT/wrk-CONNECTIONS-BODY.log.
# A request unanswered for 10 s counts as an error (wrk's default, 2 s, would count a stalled machine's).
wrk_load() {
  local log="$OUT/wrk-$1-$2.log"
  BODY="$OUT/$2" CONTENT_TYPE="$3" wrk -t "$WRK_THREADS" -c "$1" -d "${4}s" --timeout 10s -s submit/serve-load.lua \
    "$URL/invocations" > "$log" 2>&1 || { cat "$log" >&2; exit 1; }
  sed -n 's/^RESULT //p' "$log"
}
echo "== warm-up" >&2
wrk_load 8 single.json application/json 5 >/dev/null
wrk_load 8 batch.npy application/x-npy 5 >/dev/null
ROWS=()
for load in "${LOADS[@]}"; do
  IFS='|' read -r name connections body type images target <<< "$load"
  echo "== $name, $connections connections, ${DURATION} s" >&2
  ROWS+=("$load|$(wrk_load "$connections" "$body" "$type" "$DURATION")")
done

TORCH=()
if /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  for batch in 1 64; do
    echo "== PyTorch, batches of $batch" >&2
    /usr/bin/python3 src/test/python/pytorch_inference_benchmark.py data/mnist --hidden "$HIDDEN" \
      --threads "$(nproc)" --batch "$batch" --repeats 3 > "$OUT/pytorch-$batch.log" 2>&1
    TORCH+=("$batch|$(sed -n 's/.*forward passes and arg-max: \([0-9,]*\) images\/s/\1/p' "$OUT/pytorch-$batch.log")")
  done
fi

printf '\nserve %s (%s hidden channels) on %s: %s request threads, which also run the forward passes, and the\n' \
  "$MODEL" "$HIDDEN" "$CPU" "$THREADS"
printf 'JDK server'"'"'s dispatcher thread; a request waits at most %s ms for others to share its forward pass.\n' \
  "$BATCH_WAIT_MS"
printf 'wrk (%s thread) on the same cores, keep-alive connections, %s s per load:\n\n' "$WRK_THREADS" "$DURATION"
printf 'Load average (1, 5, 15 min) at the start: %s; at the end: %s.\n\n' "$LOAD_START" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '| %-28s | %5s | %8s | %8s | %7s | %7s | %8s | %6s | %s |\n' load conns "req/s" "images/s" "p50 ms" "p99 ms" \
  "p99.9 ms" errors target
printf '|%s|\n' "------------------------------|-------|----------|----------|---------|---------|----------|--------|--------"
for row in "${ROWS[@]}"; do
  IFS='|' read -r name connections _ _ images target result <<< "$row"
  read -r requests seconds p50 p99 p999 errors non2xx <<< "$(sed 's/[a-z0-9]*=//g' <<< "$result")"
  rate=$(awk -v r="$requests" -v s="$seconds" 'BEGIN { printf "%.0f", r / s }')
  image_rate=$(( rate * images ))
  case "$target" in
    single) verdict=$(awk -v r="$rate" -v p="$p99" 'BEGIN { print (r >= 3000 && p <= 10) ? "met" : "NOT met" }')
            verdict="≥ 3,000 req/s, p99 ≤ 10 ms: $verdict" ;;
    batch) verdict="≥ 20,000 images/s: $( (( image_rate >= 20000 )) && echo met || echo "NOT met")" ;;
    *) verdict="-" ;;
  esac
  printf '| %-28s | %5s | %8s | %8s | %7.2f | %7.2f | %8.2f | %6s | %s |\n' "$name" "$connections" "$rate" \
    "$image_rate" "$p50" "$p99" "$p999" "$((errors + non2xx))" "$verdict"
done
if (( ${#TORCH[@]} )); then
  for row in "${TORCH[@]}"; do
    IFS='|' read -r batch rate <<< "$row"
    printf '| %-28s | %5s | %8s | %8s | %7s | %7s | %8s | %6s | %s |\n' "PyTorch forward, batch $batch" - - \
      "${rate//,/}" - - - - "one process, $(nproc) threads, no HTTP"
  done
else
  echo
  echo "PyTorch: not run, torch does not import (Debian: apt-get install python3-torch)"
fi
echo
echo "Logs and bodies: $OUT"
