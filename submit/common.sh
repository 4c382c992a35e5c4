# Shared by the submit/*.sh scripts: the application jar (built when needed) and spark-submit, which
# every script runs the job through, locally too, with the settings of submit/spark-job.conf.
# shellcheck shell=bash
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAR="${MNIST_SPARK_JAR:-$ROOT/target/mnist-spark.jar}"
SPARK_HOME_JARS="$ROOT/target/spark-home/jars"

# Builds the application jar and Spark's runtime jars (tests skipped) if either is missing or the
# jar is older than the sources.
build_if_needed() {
  if [[ -n "${MNIST_SPARK_JAR:-}" ]]; then
    return
  fi
  if [[ -f "$JAR" ]] && compgen -G "$SPARK_HOME_JARS/spark-core_*.jar" >/dev/null \
     && [[ -z "$(find "$ROOT/pom.xml" "$ROOT/src/main" -newer "$JAR" -print -quit)" ]]; then
    return
  fi
  command -v mvn >/dev/null || { echo "error: Maven (mvn) is needed to build $JAR" >&2; exit 1; }
  echo "Building $JAR (mvn package, tests skipped; log in target/build.log) ..." >&2
  mkdir -p "$ROOT/target"
  if ! (cd "$ROOT" && mvn -B -DskipTests package > "$ROOT/target/build.log" 2>&1); then
    tail -n 40 "$ROOT/target/build.log" >&2
    echo "error: the build failed; the whole log is in target/build.log" >&2
    exit 1
  fi
}

# Fills target/spark-home/jars (Spark's own runtime: spark-submit, the local run and the local
# cluster) through the main build's spark-home execution, which passes it pom.xml's Spark version.
# The main build refills it on every package, so a changed version never leaves two Sparks.
build_spark_home() {
  compgen -G "$SPARK_HOME_JARS/spark-core_*.jar" >/dev/null && return
  echo "Building Spark's runtime jars into target/spark-home/jars (log in target/spark-home-build.log) ..." >&2
  mkdir -p "$ROOT/target"
  (cd "$ROOT" && mvn -B -q exec:exec@spark-home > target/spark-home-build.log 2>&1) \
    || { tail -n 30 "$ROOT/target/spark-home-build.log" >&2; exit 1; }
}

# SUBMIT_ARGS: spark-submit's arguments for MASTER, one --conf per setting of submit/spark-job.conf
# and of the files in the array SPARK_CONF_FILES (if set: submit/yarn/spark-yarn.conf for YARN), any
# extra spark-submit options, the jar, then the job's arguments:
#   submit_args MASTER [spark-submit options] -- [job arguments]
# A later file's value replaces an earlier one in its place, except JVM options (*.extraJavaOptions),
# which are appended, as submit/submit_args.py merges them (AirflowDagTest compares the two).
# The jar's manifest names the main class, and the job names itself.
submit_args() {
  local master="$1" file key value i
  local -a keys=() values=()
  shift
  for file in "$ROOT/submit/spark-job.conf" ${SPARK_CONF_FILES[@]+"${SPARK_CONF_FILES[@]}"}; do
    while read -r key value; do
      [[ -z "$key" || "$key" == \#* ]] && continue
      for ((i = 0; i < ${#keys[@]}; i++)); do [[ "${keys[i]}" == "$key" ]] && break; done
      if (( i == ${#keys[@]} )); then
        keys+=("$key") values+=("$value")
      elif [[ "$key" == *extraJavaOptions ]]; then
        values[i]="${values[i]} $value"
      else
        values[i]="$value"
      fi
    done < "$file"
  done
  SUBMIT_ARGS=(--master "$master")
  for ((i = 0; i < ${#keys[@]}; i++)); do SUBMIT_ARGS+=(--conf "${keys[i]}=${values[i]}"); done
  while [[ $# -gt 0 && "$1" != "--" ]]; do SUBMIT_ARGS+=("$1"); shift; done
  [[ $# -gt 0 ]] && shift
  SUBMIT_ARGS+=("$JAR" "$@")
}

# The JVM that spark-submit starts here (the whole job on local Spark, or the driver in client mode).
# A 512 MB heap and ND4J's arrays capped at 512 MB (JavaCPP's maxbytes) keep a local trial under 1 GB
# resident (measured: 868-879 MB for a trial of 2 epochs; without limits the heap grew to 1.5 GB); a
# whole default sweep still peaks at 1.2-1.4 GB (docs/performance.md, "Memory of the whole sweep").
# maxphysicalbytes stops JavaCPP's allocations with an error before the whole process passes 2 GB.
# JAVA_OPTS comes after them, so JAVA_OPTS=-Xmx4g wins.
DRIVER_JVM_LIMITS=(-Xmx512m -Dorg.bytedeco.javacpp.maxbytes=512m -Dorg.bytedeco.javacpp.maxphysicalbytes=2g)

# Runs spark-submit with SUBMIT_ARGS: $SPARK_HOME/bin/spark-submit when SPARK_HOME is set, else
# Spark's SparkSubmit from target/spark-home (Spark's core and its YARN client) in a JVM given the
# driver's Java 17 options and JAVA_OPTS; a yarn master then needs HADOOP_CONF_DIR or YARN_CONF_DIR.
spark_submit() {
  if [[ -n "${SPARK_HOME:-}" ]]; then
    [[ -x "$SPARK_HOME/bin/spark-submit" ]] \
      || { echo "error: SPARK_HOME=$SPARK_HOME has no bin/spark-submit" >&2; exit 2; }
    exec "$SPARK_HOME/bin/spark-submit" "${SUBMIT_ARGS[@]}"
  fi
  local master="${SUBMIT_ARGS[1]}" classpath="$SPARK_HOME_JARS/*"
  if [[ "$master" == yarn* ]]; then
    [[ -n "${HADOOP_CONF_DIR:-}${YARN_CONF_DIR:-}" ]] || {
      echo "error: master $master needs the cluster's Hadoop configuration folder: set HADOOP_CONF_DIR (or YARN_CONF_DIR)" >&2
      exit 2
    }
  elif [[ "$master" != spark://* && "$master" != local* ]]; then # target/spark-home has no Kubernetes client
    echo "error: master $master needs your Spark: set SPARK_HOME" >&2
    exit 2
  fi
  # As bin/spark-submit does: the Hadoop and YARN configuration folders ahead of Spark's jars, so that
  # hdfs:/// paths and the ResourceManager's address come from the cluster's *-site.xml files.
  [[ -n "${YARN_CONF_DIR:-}" ]] && classpath="$YARN_CONF_DIR:$classpath"
  [[ -n "${HADOOP_CONF_DIR:-}" ]] && classpath="$HADOOP_CONF_DIR:$classpath"
  build_spark_home
  # shellcheck disable=SC2086 # JAVA_OPTS holds several options
  SPARK_HOME="$ROOT/target/spark-home" SPARK_SCALA_VERSION=2.12 exec java @"$ROOT/submit/jvm.args" \
    "${DRIVER_JVM_LIMITS[@]}" ${JAVA_OPTS:-} \
    -Dlog4j.configurationFile="$ROOT/conf/log4j2.properties" \
    -cp "$classpath" org.apache.spark.deploy.SparkSubmit "${SUBMIT_ARGS[@]}"
}

# Runs the job on an embedded local Spark in this JVM (SPARK_MASTER, default local[*]), through spark-submit.
run_local() {
  # One OpenMP thread per Spark task thread: the workers already use every core (measured fastest).
  export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
  # Spark's driver and UI listen on loopback only, unless told otherwise.
  export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
  submit_args "${SPARK_MASTER:-local[*]}" -- "$@"
  spark_submit
}
