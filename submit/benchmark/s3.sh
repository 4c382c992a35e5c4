#!/usr/bin/env bash
# The full default sweep through s3a (submit/benchmark.sh --s3): MNIST staged to, and the results table
# and models written to, an S3-compatible server on loopback (S3Proxy, the one S3StorageIT starts, on
# its filesystem backend), with each engine; then the same sweeps on local disk, one after another, and a
# table of their times and figures. A benchmark, not a test (the tests keep small data).
# Environment: ENGINES ("persistent dl4j"). Logs go to work/benchmark-s3/.
set -euo pipefail
source "$(dirname "$0")/../common.sh"
OUT="$ROOT/work/benchmark-s3"
ENGINES="${ENGINES:-persistent dl4j}"
rm -rf "$OUT"; mkdir -p "$OUT/blobs/mnist" "$OUT/spark-conf"   # a folder under blobs is a bucket
"$ROOT/submit/fetch-mnist.sh" "$ROOT/data/mnist" >/dev/null
build_if_needed
cd "$ROOT"
S3PROXY="$ROOT/target/it-tools/s3proxy.jar"
[[ -f "$S3PROXY" ]] || { echo "error: $S3PROXY is missing: mvn -B verify (or mvn pre-integration-test) fetches it" >&2; exit 1; }

PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
IDENTITY=local-benchmark-identity
CREDENTIAL=local-benchmark-credential-not-a-secret
cat > "$OUT/s3proxy.properties" <<EOF
s3proxy.endpoint=http://127.0.0.1:$PORT
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$IDENTITY
s3proxy.credential=$CREDENTIAL
jclouds.provider=filesystem
jclouds.filesystem.basedir=$OUT/blobs
jclouds.identity=$IDENTITY
jclouds.credential=$CREDENTIAL
EOF
java -Xmx512m -jar "$S3PROXY" --properties "$OUT/s3proxy.properties" > "$OUT/s3proxy.log" 2>&1 &
PROXY=$!
trap 'kill $PROXY 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  curl -s -o /dev/null "http://127.0.0.1:$PORT/" && break
  kill -0 "$PROXY" 2>/dev/null || { cat "$OUT/s3proxy.log" >&2; exit 1; }
  sleep 0.3
done

# s3a's settings as a cluster's spark-defaults.conf holds them (spark-submit reads SPARK_CONF_DIR's).
cat > "$OUT/spark-conf/spark-defaults.conf" <<EOF
spark.hadoop.fs.s3a.endpoint http://127.0.0.1:$PORT
spark.hadoop.fs.s3a.endpoint.region us-east-1
spark.hadoop.fs.s3a.path.style.access true
spark.hadoop.fs.s3a.connection.ssl.enabled false
spark.hadoop.fs.s3a.aws.credentials.provider org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider
spark.hadoop.fs.s3a.access.key $IDENTITY
spark.hadoop.fs.s3a.secret.key $CREDENTIAL
EOF
export SPARK_CONF_DIR="$OUT/spark-conf"

ROWS=()
# run NAME LOG COMMAND...: the command's output to LOG, its wall time in seconds into ROWS.
run() {
  local name="$1" log="$2"
  shift 2
  echo "== $name" >&2
  local started
  started=$(date +%s.%N)
  "$@" > "$log" 2>&1 || { echo "error: $name failed; see $log" >&2; tail -n 20 "$log" >&2; exit 1; }
  ROWS+=("$name|$log|$(awk -v s="$started" -v e="$(date +%s.%N)" 'BEGIN { printf "%.0f", e - s }')")
}

run "stage MNIST to s3a://mnist/data" "$OUT/stage.log" submit/stage-data.sh s3a://mnist/data
for engine in $ENGINES; do
  run "sweep, $engine, S3" "$OUT/s3-$engine.log" submit/local.sh --data s3a://mnist/data \
    --results s3a://mnist/results --models s3a://mnist/models --engine "$engine" --experiment "s3-$engine"
done
for engine in $ENGINES; do
  run "sweep, $engine, local disk" "$OUT/disk-$engine.log" submit/local.sh --results "$OUT/results" \
    --models "$OUT/models" --engine "$engine" --experiment "disk-$engine"
done
run "query the S3 table" "$OUT/query.log" env SPARK_MASTER='local[2]' submit/local.sh query --results s3a://mnist/results \
  "SELECT experiment, hidden_channels, test_correct_last, test_loss_last FROM trials ORDER BY experiment, hidden_channels"

printf '\n%s, %s cores. The default sweep (5 trials, 2 epochs, full MNIST):\n\n' \
  "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)" "$(nproc)"
echo "| run | wall s | trials done in (the job's own figure) |"
echo "|---|---|---|"
for row in "${ROWS[@]}"; do
  IFS='|' read -r name log seconds <<< "$row"
  trials=$(sed -n 's/^Trials done in \([0-9.]*\) s.*/\1 s/p' "$log" | tail -n 1)
  echo "| $name | $seconds | ${trials:--} |"
done
echo
echo "The S3 table read back:"
tail -n 14 "$OUT/query.log"
echo "Logs: $OUT"
