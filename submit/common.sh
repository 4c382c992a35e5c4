# Shared by the submit/*.sh scripts: where the application jar is, and building it when needed.
# shellcheck shell=bash
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAR="${MNIST_SPARK_JAR:-$ROOT/target/mnist-spark.jar}"
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
  echo "Building $JAR (mvn package, tests skipped; log in target/build.log) ..."
  mkdir -p "$ROOT/target"
  if ! (cd "$ROOT" && mvn -B -DskipTests package > "$ROOT/target/build.log" 2>&1); then
    tail -n 40 "$ROOT/target/build.log" >&2
    echo "error: the build failed; the whole log is in target/build.log" >&2
    exit 1
  fi
}

# Fills target/spark-home/jars (Spark's own runtime jars, for spark-submit and the local cluster)
# from submit/spark-home/pom.xml, at pom.xml's Spark version; rebuilt when that version changes.
# Run from $ROOT so that .mvn/ applies wherever we start.
build_spark_home() {
  local spark_version jars="$ROOT/target/spark-home/jars"
  spark_version="$(sed -n 's:.*<spark.version>\(.*\)</spark.version>.*:\1:p' "$ROOT/pom.xml" | head -n 1)"
  [[ -f "$jars/spark-core_2.12-$spark_version.jar" ]] && return
  echo "Building Spark's runtime jars into target/spark-home/jars (log in target/spark-home-build.log) ..." >&2
  mkdir -p "$ROOT/target"
  (cd "$ROOT" && mvn -B -q -f submit/spark-home/pom.xml -Dspark.version="$spark_version" package \
     > target/spark-home-build.log 2>&1) \
    || { tail -n 30 "$ROOT/target/spark-home-build.log" >&2; exit 1; }
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

# The --conf arguments for spark-submit from submit/spark-job.conf, one array element each.
spark_job_confs() {
  local key value
  SPARK_CONFS=()
  while read -r key value; do
    [[ -z "$key" || "$key" == \#* ]] && continue
    SPARK_CONFS+=(--conf "$key=$value")
  done < "$ROOT/submit/spark-job.conf"
}

# Runs spark-submit: $SPARK_HOME/bin/spark-submit when SPARK_HOME is set, else SparkSubmit from
# target/spark-home (Spark's own jars), in a JVM given the driver's Java 17 options.
spark_submit() {
  if [[ -n "${SPARK_HOME:-}" ]]; then
    [[ -x "$SPARK_HOME/bin/spark-submit" ]] \
      || { echo "error: SPARK_HOME=$SPARK_HOME has no bin/spark-submit" >&2; exit 2; }
    exec "$SPARK_HOME/bin/spark-submit" "$@"
  fi
  local master
  master="$(printf '%s\n' "$@" | sed -n '/^--master$/{n;p;q}')"
  if [[ "$master" != spark://* ]]; then # target/spark-home holds Spark's core, not its YARN or Kubernetes client
    echo "error: master $master needs your Spark: set SPARK_HOME" >&2
    exit 2
  fi
  local home="$ROOT/target/spark-home"
  build_spark_home
  SPARK_HOME="$home" SPARK_SCALA_VERSION=2.12 exec java @"$ROOT/submit/jvm.args" ${JAVA_OPTS:-} \
    -Dlog4j.configurationFile="$ROOT/conf/log4j2.properties" \
    -cp "$home/jars/*" org.apache.spark.deploy.SparkSubmit "$@"
}
