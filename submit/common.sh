# Shared by the submit/*.sh scripts: where the application jar is, and building it when needed.
# shellcheck shell=bash
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VERSION="$(sed -n 's:^  <version>\(.*\)</version>:\1:p' "$ROOT/pom.xml" | head -1)"
JAR="${MNIST_SPARK_JAR:-$ROOT/target/mnist-spark-$VERSION.jar}"
SPARK_JARS="$ROOT/target/spark-jars"
MAIN_CLASS=org.mnistspark.cli.MnistSpark

# Builds the application jar (tests skipped) if it is missing or older than the sources.
build_if_needed() {
  if [[ -n "${MNIST_SPARK_JAR:-}" ]]; then
    return
  fi
  if [[ -f "$JAR" && -d "$SPARK_JARS" ]] \
     && [[ -z "$(find "$ROOT/pom.xml" "$ROOT/src/main" -newer "$JAR" -print -quit)" ]]; then
    return
  fi
  command -v mvn >/dev/null || { echo "error: Maven (mvn) is needed to build $JAR" >&2; exit 1; }
  echo "Building $JAR (mvn package, tests skipped) ..."
  (cd "$ROOT" && mvn -B -q -Dstyle.color=never -DskipTests package)
}

# Runs the job's main class in this JVM with Spark from target/spark-jars (the embedded local run).
run_local() {
  # One OpenMP thread per Spark task thread: the workers already use every core (measured fastest).
  export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
  # Spark's driver and UI listen on loopback only, unless told otherwise.
  export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
  # shellcheck disable=SC2086 # JAVA_OPTS holds several options
  exec java @"$ROOT/submit/jvm.args" ${JAVA_OPTS:-} \
    -Dspark.master="${SPARK_MASTER:-local[*]}" \
    -Dlog4j.configurationFile="$ROOT/conf/log4j2.properties" \
    -cp "$JAR:$SPARK_JARS/*" "$MAIN_CLASS" "$@"
}
