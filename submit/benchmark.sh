#!/usr/bin/env bash
# Every benchmark of this project, one mode each (their scripts are in submit/benchmark/). A benchmark,
# not a test: figures depend on the machine; compare them as ratios within one run. docs/performance.md
# holds the dated figures each gave.
#
#   submit/benchmark.sh              where training time goes: the same trial (h = 10, 2 epochs, full MNIST)
#                                    (a) in DL4J in one JVM, (b) on local[2] with each engine, (d) in PyTorch
#   submit/benchmark.sh --cluster    the same, and (c) on a 2-worker standalone cluster (submit/local-cluster.sh)
#   submit/benchmark.sh --averaging  accuracy and epoch time against training.averaging-frequency
#   submit/benchmark.sh --compute    compute per core: oneDNN's instruction sets against PyTorch
#   submit/benchmark.sh --scale      how the sweep scales: trials side by side, round costs, a model of cluster sizes
#   submit/benchmark.sh --serve      serve under a keep-alive load from wrk
#   submit/benchmark.sh --s3         the full default sweep through s3a on a loopback S3 server, against local disk
#   submit/benchmark.sh --help       this text
# Each mode's environment variables are described at the top of its script in submit/benchmark/.
set -euo pipefail
DIR="$(cd "$(dirname "$0")/benchmark" && pwd)"
usage() { sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; }
case "${1:-}" in
  "") exec "$DIR/training.sh" ;;
  --cluster) exec "$DIR/training.sh" --cluster ;;
  --averaging) exec "$DIR/averaging.sh" ;;
  --compute) exec "$DIR/compute.sh" ;;
  --scale) exec "$DIR/scale.sh" ;;
  --serve) exec "$DIR/serve.sh" ;;
  --s3) exec "$DIR/s3.sh" ;;
  -h|--help) usage ;;
  *) echo "error: unknown mode $1" >&2; usage >&2; exit 2 ;;
esac
