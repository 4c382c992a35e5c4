package org.mnistspark.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A structural check of the Airflow DAG file (Airflow cannot be installed here): it compiles with
 * Debian's Python, and submit/airflow/check_dag.py loads it with stand-ins for Airflow's classes.
 * The DAGs' spark-submit settings and job arguments must equal what submit/standalone.sh passes, and
 * the EMR step's what submit/emr/render_step.py renders: one source, no hand-kept copy.
 */
class AirflowDagTest {
    static final String PYTHON = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";

    @TempDir
    Path pycache;

    private String run(Map<String, String> env, String... command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("PYTHONPYCACHEPREFIX", pycache.toString()); // no __pycache__ in the sources
        builder.environment().remove("SPARK_LOCAL_IP"); // the scripts add a driver host for it; the DAG has none
        builder.environment().putAll(env);
        Path log = Files.createTempFile(pycache, "output", ".log");
        Process process = builder.redirectOutput(log.toFile()).start(); // a file: the time limit below holds
        boolean ended = process.waitFor(60, TimeUnit.SECONDS);
        if (!ended) {
            process.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(ended).as(String.join(" ", command) + " did not end in 60 s:\n" + output).isTrue();
        assertThat(process.exitValue()).as(String.join(" ", command) + ":\n" + output).isZero();
        return output;
    }

    private JsonNode dags() throws Exception {
        return new ObjectMapper().readTree(run(Map.of(), PYTHON, "submit/airflow/check_dag.py"));
    }

    @Test
    void dagFileCompilesWithDebiansPython() throws Exception {
        run(Map.of(), PYTHON, "-m", "py_compile", "submit/airflow/mnist_sweep_dag.py", "submit/submit_args.py",
                "submit/emr/render_step.py");
    }

    @Test
    void bothDagsRunDailyWithoutCatchUpAndRetry() throws Exception {
        JsonNode dags = dags();
        assertThat(names(dags.fieldNames())).containsExactly("mnist_sweep", "mnist_sweep_emr");
        for (JsonNode dag : dags) {
            assertThat(dag.at("/settings/schedule").asText()).isEqualTo("@daily");
            assertThat(dag.at("/settings/catchup").asBoolean()).isFalse();
            assertThat(dag.at("/settings/default_args/retries").asInt()).isPositive();
        }
        JsonNode emr = dags.get("mnist_sweep_emr").get("tasks");
        assertThat(emr.get(0).get("task_id").asText()).isEqualTo("add_sweep_step");
        assertThat(emr.get(0).get("operator").asText()).isEqualTo("EmrAddStepsOperator");
        assertThat(emr.get(0).get("downstream").get(0).asText()).as("the sensor runs after the step")
                .isEqualTo("watch_sweep_step");
        assertThat(emr.get(1).get("operator").asText()).isEqualTo("EmrStepSensor");
        assertThat(emr.get(1).at("/arguments/step_id").asText()).contains("xcom_pull(task_ids='add_sweep_step')");
        JsonNode spark = dags.get("mnist_sweep").get("tasks");
        assertThat(spark).hasSize(1);
        assertThat(spark.get(0).get("operator").asText()).isEqualTo("SparkSubmitOperator");
    }

    @Test
    void sparkSubmitArgumentsEqualTheShellScripts() throws Exception {
        JsonNode sweep = dags().get("mnist_sweep").get("tasks").get(0).get("arguments");
        List<String> jobArgs = names(sweep.get("application_args").elements());
        assertThat(jobArgs).as("each daily run is its own experiment").contains("mnist-{{ ds_nodash }}");
        assertThat(jobArgs.get(0)).isEqualTo("sweep");

        // What submit/standalone.sh passes to spark-submit for the same job arguments.
        List<String> script = List.of(run(Map.of("MNIST_SPARK_PRINT_ONLY", "1"),
                concat(List.of("submit/standalone.sh", "spark://spark-master.example:7077"), jobArgs)).split("\n"));
        int jar = script.indexOf(Path.of("target/mnist-spark.jar").toAbsolutePath().toString());
        assertThat(jar).as("the jar in " + script).isPositive();
        Map<String, String> scriptConfs = new LinkedHashMap<>();
        for (int i = 0; i < jar; i++) { // spark-submit's own options end at the jar
            if (script.get(i).equals("--conf")) {
                String[] pair = script.get(i + 1).split("=", 2);
                scriptConfs.put(pair[0], pair[1]);
            }
        }
        scriptConfs.remove("spark.driver.host"); // the script keeps a loopback driver on loopback; the DAG has none
        Map<String, String> dagConfs = new LinkedHashMap<>();
        sweep.get("conf").fields().forEachRemaining(e -> dagConfs.put(e.getKey(), e.getValue().asText()));
        assertThat(dagConfs).isNotEmpty().isEqualTo(scriptConfs);
        assertThat(script.subList(jar + 1, script.size())).isEqualTo(jobArgs);
        // The jar's manifest names the main class and the job names itself: neither passes them.
        assertThat(script).doesNotContain("--class", "--name");
        assertThat(sweep.has("java_class")).isFalse();
        assertThat(sweep.get("name").isNull()).as("no --name, not the operator's default 'arrow-spark'").isTrue();
    }

    @Test
    void emrStepEqualsTheRenderedStepAndCarriesTheClusterSettings() throws Exception {
        JsonNode step = dags().get("mnist_sweep_emr").get("tasks").get(0).at("/arguments/steps/0");
        List<String> dagArgs = names(step.at("/HadoopJarStep/Args").elements());
        JsonNode rendered = new ObjectMapper().readTree(run(Map.of(), PYTHON, "submit/emr/render_step.py",
                "--jar", "{{ var.value.mnist_spark_jar }}", "--conf-file", "{{ var.value.mnist_spark_conf }}",
                "--s3", "{{ var.value.mnist_spark_s3 }}", "--experiment", "mnist-{{ ds_nodash }}"));
        assertThat(dagArgs).isEqualTo(names(rendered.get(0).get("Args").elements()));
        assertThat(step.at("/HadoopJarStep/Jar").asText()).isEqualTo("command-runner.jar");
        assertThat(dagArgs.subList(0, 3)).containsExactly("spark-submit", "--master", "yarn");
        assertThat(String.join(" ", dagArgs)).contains("--deploy-mode cluster");
        for (String line : Files.readAllLines(Path.of("submit/spark-job.conf"))) {
            if (!line.isBlank() && !line.startsWith("#")) {
                String[] pair = line.split("\\s+", 2);
                assertThat(dagArgs).as("the EMR step has " + line)
                        .anyMatch(a -> a.startsWith(pair[0] + "=") && a.contains(pair[1]));
            }
        }
        assertThat(dagArgs).anyMatch(a -> a.startsWith("spark.executor.memoryOverhead="))
                .anyMatch(a -> a.contains("-Dorg.bytedeco.javacpp.maxphysicalbytes="));
    }

    private static List<String> names(java.util.Iterator<?> values) {
        List<String> list = new ArrayList<>();
        values.forEachRemaining(v -> list.add(v instanceof JsonNode node ? node.asText() : v.toString()));
        return list;
    }

    private static String[] concat(List<String> first, List<String> second) {
        List<String> all = new ArrayList<>(first);
        all.addAll(second);
        return all.toArray(String[]::new);
    }
}
