#!/usr/bin/env bash
# Opens notebooks/results.ipynb, a Java notebook over the results table, in Jupyter: builds the jar if
# needed, installs a Java kernel spec under target/jupyter (nothing system-wide), and starts Jupyter on
# 127.0.0.1, printing the notebook's URL. Ctrl-C stops it.
#
#   submit/notebook.sh                     Jupyter on 127.0.0.1:8888 (NOTEBOOK_PORT to change)
#   MNIST_SPARK_RESULTS=s3a://b/results submit/notebook.sh    the notebook opens that table
#   submit/notebook.sh --install-kernel    only install the kernel spec; prints JUPYTER_PATH=... (the tests use it)
#
# The kernel is rapaio-jupyter-kernel 3.0.1 (Maven Central; the build copies it to target/notebook-kernel),
# run by this Java with submit/jvm.args. Notebook code sees the job's jar and Spark's runtime jars
# (target/spark-home/jars), as spark-submit gives them to the job. Two fixes go ahead of the kernel's
# jar (notebooks/kernel/): a LoopThread that cannot miss its own start (3.0.1's hangs about one start
# in five), and java.util.logging at INFO (3.0.1's FINEST breaks Spark's code generation).
# Jupyter comes from Debian (/usr/bin/jupyter): see APT_PACKAGES below.
set -euo pipefail
source "$(dirname "$0")/common.sh"

KERNEL_NAME=mnist-spark
KERNEL_DIR="$ROOT/target/notebook-kernel"
KERNEL_JAR="$KERNEL_DIR/rapaio-jupyter-kernel.jar"
JUPYTER_DIR="$ROOT/target/jupyter"
APT_PACKAGES="jupyter-notebook python3-notebook jupyter-nbconvert python3-nbconvert python3-nbclient python3-ipykernel jupyter-client python3-jupyter-client"

# Escapes a string for a JSON document.
json() {
  local s="${1//\\/\\\\}"
  printf '"%s"' "${s//\"/\\\"}"
}

install_kernel() {
  build_if_needed
  build_spark_home
  if [[ ! -f "$KERNEL_JAR" ]]; then # a jar built before the kernel was part of the build
    echo "Copying the notebook kernel into $KERNEL_DIR ..." >&2
    (cd "$ROOT" && mvn -B -q dependency:copy@notebook-kernel) >&2
  fi
  local fix="org/rapaio/jupyter/kernel/channels/LoopThread"
  if [[ ! -f "$KERNEL_DIR/classes/$fix.class" || "$ROOT/notebooks/kernel/$fix.java" -nt "$KERNEL_DIR/classes/$fix.class" ]]; then
    command -v javac >/dev/null || { echo "error: javac (a JDK 17) is needed for the kernel's fix" >&2; exit 1; }
    javac --release 17 -d "$KERNEL_DIR/classes" "$ROOT/notebooks/kernel/$fix.java"
  fi
  cp "$ROOT/notebooks/kernel/logging.properties" "$KERNEL_DIR/classes/logging.properties"

  local java_bin
  java_bin="$(command -v java)" || { echo "error: java (17) is not on PATH" >&2; exit 1; }
  mkdir -p "$JUPYTER_DIR/kernels/$KERNEL_NAME"
  cat > "$JUPYTER_DIR/kernels/$KERNEL_NAME/kernel.json" <<EOF
{
  "display_name": "Java (mnist-spark)",
  "language": "java",
  "interrupt_mode": "message",
  "argv": [$(json "$java_bin"), $(json "@$ROOT/submit/jvm.args"), "-Xmx1g",
    "-Dorg.bytedeco.javacpp.maxbytes=1g", $(json "-Dlog4j.configurationFile=$ROOT/conf/log4j2.properties"),
    "-cp", $(json "$KERNEL_DIR/classes:$KERNEL_JAR"), "org.rapaio.jupyter.kernel.MainApp", "{connection_file}"],
  "env": {
    "RJK_CLASSPATH": $(json "$JAR;$SPARK_HOME_JARS/*"),
    "MNIST_SPARK_ROOT": $(json "$ROOT"),
    "SPARK_LOCAL_IP": "127.0.0.1",
    "OMP_NUM_THREADS": "1"
  }
}
EOF
}

if [[ "${1:-}" == "--install-kernel" ]]; then
  install_kernel
  echo "JUPYTER_PATH=$JUPYTER_DIR"
  exit 0
fi
if [[ $# -gt 0 ]]; then
  echo "usage: submit/notebook.sh [--install-kernel]" >&2
  exit 2
fi

if [[ ! -x /usr/bin/jupyter ]] || ! /usr/bin/python3 -c 'import notebook, nbconvert' 2>/dev/null; then
  echo "error: Jupyter is missing. Install Debian's packages (as root), then run this again:" >&2
  echo "  apt-get install -y --no-install-recommends $APT_PACKAGES" >&2
  exit 1
fi
install_kernel
PORT="${NOTEBOOK_PORT:-8888}"
TOKEN="$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
echo "Open the notebook: http://127.0.0.1:$PORT/notebooks/notebooks/results.ipynb?token=$TOKEN"
echo "(Jupyter on 127.0.0.1 only; Ctrl-C stops it)"
as_root=()
[[ "$(id -u)" == 0 ]] && as_root=(--allow-root) # containers often run as root; Jupyter refuses it unless told
cd "$ROOT"
# Debian's Jupyter, with the kernel spec of target/jupyter; no other port if this one is taken.
JUPYTER_PATH="$JUPYTER_DIR${JUPYTER_PATH:+:$JUPYTER_PATH}" exec /usr/bin/jupyter notebook --no-browser \
  --ip=127.0.0.1 --port="$PORT" --port-retries=0 --notebook-dir="$ROOT" --NotebookApp.token="$TOKEN" "${as_root[@]}"
