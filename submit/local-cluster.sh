#!/usr/bin/env bash
# A throw-away Spark standalone cluster on 127.0.0.1 for trying things out and for tests:
# one master and N workers, each its own JVM, run from target/spark-home (Spark's own jars,
# filled by the build). Nothing listens beyond 127.0.0.1.
#
#   submit/local-cluster.sh start [WORKERS]   start (default 2 workers, 1 core and 2g each); prints the master URL
#   submit/local-cluster.sh status            the master URL and alive workers
#   submit/local-cluster.sh stop              stop every JVM of the cluster
# Environment: CLUSTER_DIR (default target/local-cluster: pids, logs, work dirs), MASTER_PORT (7077),
#   MASTER_UI_PORT (8080), WORKER_CORES (1), WORKER_MEMORY (2g).
set -euo pipefail
source "$(dirname "$0")/common.sh"

CLUSTER_DIR="${CLUSTER_DIR:-$ROOT/target/local-cluster}"
MASTER_PORT="${MASTER_PORT:-7077}"
MASTER_UI_PORT="${MASTER_UI_PORT:-8080}"
MASTER_URL="spark://127.0.0.1:$MASTER_PORT"
export SPARK_HOME="$ROOT/target/spark-home"
export SPARK_SCALA_VERSION=2.12
export SPARK_LOCAL_IP=127.0.0.1   # web UIs, block managers and executors bind to loopback only

alive_workers() {
  curl -fsS "http://127.0.0.1:$MASTER_UI_PORT/json/" 2>/dev/null \
    | sed -n 's/.*"aliveworkers" *: *\([0-9]*\).*/\1/p'
}

start() {
  local workers="${1:-2}"
  [[ "$workers" =~ ^[1-9][0-9]*$ ]] || { echo "error: WORKERS must be a count of 1 or more, got '$workers'" >&2; exit 2; }
  build_spark_home
  if [[ -f "$CLUSTER_DIR/master.pid" ]] && kill -0 "$(cat "$CLUSTER_DIR/master.pid")" 2>/dev/null; then
    echo "error: a local cluster is already running ($CLUSTER_DIR); stop it first" >&2
    exit 1
  fi
  mkdir -p "$CLUSTER_DIR"
  local started=$SECONDS
  # setsid: the JVMs outlive this script and get their own process group for stop.
  # maxRetries=0: a busy port stops the master instead of moving it where workers and we never look.
  setsid java -Xmx512m -Dspark.port.maxRetries=0 -cp "$SPARK_HOME/jars/*" org.apache.spark.deploy.master.Master \
    --host 127.0.0.1 --port "$MASTER_PORT" --webui-port "$MASTER_UI_PORT" \
    > "$CLUSTER_DIR/master.log" 2>&1 < /dev/null &
  echo $! > "$CLUSTER_DIR/master.pid"
  for i in $(seq 1 "$workers"); do
    mkdir -p "$CLUSTER_DIR/worker-$i"
    setsid java -Xmx512m -cp "$SPARK_HOME/jars/*" org.apache.spark.deploy.worker.Worker \
      --host 127.0.0.1 --port 0 --webui-port 0 --cores "${WORKER_CORES:-1}" --memory "${WORKER_MEMORY:-2g}" \
      --work-dir "$CLUSTER_DIR/worker-$i" "$MASTER_URL" \
      > "$CLUSTER_DIR/worker-$i.log" 2>&1 < /dev/null &
    echo $! > "$CLUSTER_DIR/worker-$i.pid"
  done
  for _ in $(seq 1 120); do
    if [[ "$(alive_workers)" == "$workers" ]]; then
      echo "$MASTER_URL: $workers workers alive after $((SECONDS - started)) s (UI http://127.0.0.1:$MASTER_UI_PORT)"
      return 0
    fi
    if ! kill -0 "$(cat "$CLUSTER_DIR/master.pid")" 2>/dev/null; then
      grep -m 3 -E "ERROR|Exception" "$CLUSTER_DIR/master.log" >&2 || true
      echo "error: the master stopped (is port $MASTER_PORT or $MASTER_UI_PORT in use? set MASTER_PORT," \
        "MASTER_UI_PORT); see $CLUSTER_DIR/master.log" >&2
      stop
      exit 1
    fi
    sleep 0.5
  done
  echo "error: the cluster did not come up; see $CLUSTER_DIR/*.log" >&2
  stop
  exit 1
}

stop() {
  local pidfile pids=()
  for pidfile in "$CLUSTER_DIR"/worker-*.pid "$CLUSTER_DIR"/master.pid; do
    [[ -f "$pidfile" ]] || continue
    pids+=("$(cat "$pidfile")")
    # The whole process group: a worker's executor JVMs go with it.
    kill -- -"${pids[-1]}" 2>/dev/null || true
    rm -f "$pidfile"
  done
  # Wait for the JVMs to exit, so that their ports are free for the next start.
  for _ in $(seq 1 40); do
    local alive=0 pid
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    (( alive )) || break
    sleep 0.25
  done
  echo "local cluster stopped"
}

case "${1:-}" in
  start) start "${2:-2}" ;;
  stop) stop ;;
  status) echo "$MASTER_URL: $(alive_workers || echo 0) workers alive" ;;
  *) [[ -n "${1:-}" ]] && echo "error: unknown command '$1'" >&2
     sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
