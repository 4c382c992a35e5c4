#!/usr/bin/env bash
# Benchmark behind the default training.averaging-frequency: trains the same configuration once per
# averaging frequency on the embedded local Spark and prints test accuracy and speed side by side.
#
#   submit/benchmark-averaging.sh                     hidden channels 2, 2 epochs, frequencies 1 2 5 10
#   FREQUENCIES="2 5" HIDDEN=10 EPOCHS=1 submit/benchmark-averaging.sh
# Writes to work/benchmark-results (its own table); every run retrains (--rerun).
set -euo pipefail
source "$(dirname "$0")/common.sh"
"$ROOT/submit/fetch-mnist.sh" "$ROOT/data/mnist" >/dev/null
build_if_needed
cd "$ROOT"
TABLE="$ROOT/work/benchmark-results"
EXPERIMENT="averaging-$(date +%Y%m%d-%H%M%S)"
for frequency in ${FREQUENCIES:-1 2 5 10}; do
  (run_local sweep --experiment "$EXPERIMENT" --results "$TABLE" --models "" \
     --hidden-channels "${HIDDEN:-2}" --epochs "${EPOCHS:-2}" \
     --set training.averaging-frequency="$frequency" --rerun) | grep -E "^\[|done:"
done
SPARK_MASTER='local[2]' run_local query --results "$TABLE" \
  "SELECT averaging_frequency, workers, batch_size_per_worker, hidden_channels, test_accuracy_last,
          round(train_seconds, 1) AS train_seconds, round(images_per_second) AS images_per_second
   FROM trials WHERE experiment = '$EXPERIMENT' ORDER BY averaging_frequency"
