#!/usr/bin/env bash
# Benchmark behind the default training.averaging-frequency: trains each hidden-channel count once per
# averaging frequency on the embedded local Spark (2 workers, the default engine, full MNIST) and
# prints epoch seconds and test accuracy side by side.
#
#   submit/benchmark.sh --averaging                      hidden channels 2 and 32, frequencies 1 5 20 50, 2 epochs
#   FREQUENCIES="5 20" HIDDEN="10" EPOCHS=1 submit/benchmark.sh --averaging
# Writes to work/benchmark-averaging (its own table); every run retrains (--rerun).
set -euo pipefail
source "$(dirname "$0")/../common.sh"
"$ROOT/submit/fetch-mnist.sh" "$ROOT/data/mnist" >/dev/null
build_if_needed
cd "$ROOT"
TABLE="$ROOT/work/benchmark-averaging"
EXPERIMENT="averaging-$(date +%Y%m%d-%H%M%S)"
for frequency in ${FREQUENCIES:-1 5 20 50}; do
  (SPARK_MASTER='local[2]' run_local sweep --experiment "$EXPERIMENT" --results "$TABLE" --models "" \
     --hidden-channels "$(echo ${HIDDEN:-2 32} | tr ' ' ,)" --epochs "${EPOCHS:-2}" --workers 2 \
     --averaging-frequency "$frequency" --rerun) | grep -E "^\[|done:"
done
SPARK_MASTER='local[2]' run_local query --results "$TABLE" \
  "SELECT hidden_channels, averaging_frequency, engine, test_accuracy_last, test_correct_last,
          round(train_seconds / epochs, 1) AS epoch_seconds, round(images_per_second) AS images_per_second
   FROM trials WHERE experiment = '$EXPERIMENT' ORDER BY hidden_channels, averaging_frequency"
