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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        assertTrue(ended, String.join(" ", command) + " did not end in 60 s:\n" + output);
        assertEquals(0, process.exitValue(), String.join(" ", command) + ":\n" + output);
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
        assertEquals(List.of("mnist_sweep", "mnist_sweep_emr"), names(dags.fieldNames()));
        for (JsonNode dag : dags) {
            assertEquals("@daily", dag.at("/settings/schedule").asText());
            assertFalse(dag.at("/settings/catchup").asBoolean());
            assertTrue(dag.at("/settings/default_args/retries").asInt() >= 1);
        }
        JsonNode emr = dags.get("mnist_sweep_emr").get("tasks");
        assertEquals("add_sweep_step", emr.get(0).get("task_id").asText());
        assertEquals("EmrAddStepsOperator", emr.get(0).get("operator").asText());
        assertEquals("watch_sweep_step", emr.get(0).get("downstream").get(0).asText(), "the sensor runs after the step");
        assertEquals("EmrStepSensor", emr.get(1).get("operator").asText());
        assertTrue(emr.get(1).at("/arguments/step_id").asText().contains("xcom_pull(task_ids='add_sweep_step')"));
        JsonNode spark = dags.get("mnist_sweep").get("tasks");
        assertEquals(1, spark.size());
        assertEquals("SparkSubmitOperator", spark.get(0).get("operator").asText());
    }

    @Test
    void sparkSubmitArgumentsEqualTheShellScripts() throws Exception {
        JsonNode sweep = dags().get("mnist_sweep").get("tasks").get(0).get("arguments");
        List<String> jobArgs = names(sweep.get("application_args").elements());
        assertTrue(jobArgs.contains("mnist-{{ ds_nodash }}"), "each daily run is its own experiment: " + jobArgs);

        // What submit/standalone.sh passes to spark-submit for the same job arguments.
        List<String> script = List.of(run(Map.of("MNIST_SPARK_PRINT_ONLY", "1"),
                        concat(List.of("submit/standalone.sh", "spark://spark-master.example:7077"), jobArgs.subList(3, jobArgs.size())))
                .split("\n"));
        int jar = script.indexOf("sweep") - 1;
        Map<String, String> scriptConfs = new LinkedHashMap<>();
        for (int i = 0; i < jar; i++) { // spark-submit's own options end at the jar
            if (script.get(i).equals("--conf")) {
                String[] pair = script.get(i + 1).split("=", 2);
                scriptConfs.put(pair[0], pair[1]);
            }
        }
        Map<String, String> dagConfs = new LinkedHashMap<>();
        sweep.get("conf").fields().forEachRemaining(e -> dagConfs.put(e.getKey(), e.getValue().asText()));
        assertEquals(scriptConfs, dagConfs);
        assertFalse(dagConfs.isEmpty());
        assertEquals(script.get(script.indexOf("--class") + 1), sweep.get("java_class").asText());
        List<String> scriptJobArgs = script.subList(jar + 1, script.size());
        assertEquals(scriptJobArgs.subList(3, scriptJobArgs.size()), jobArgs.subList(3, jobArgs.size()));
        assertEquals(List.of("sweep", "--conf"), jobArgs.subList(0, 2));
    }

    @Test
    void emrStepEqualsTheRenderedStepAndCarriesTheClusterSettings() throws Exception {
        JsonNode step = dags().get("mnist_sweep_emr").get("tasks").get(0).at("/arguments/steps/0");
        List<String> dagArgs = names(step.at("/HadoopJarStep/Args").elements());
        JsonNode rendered = new ObjectMapper().readTree(run(Map.of(), PYTHON, "submit/emr/render_step.py",
                "--jar", "{{ var.value.get('mnist_spark_jar', 'target/mnist-spark-0.1.0.jar') }}",
                "--conf-file", "{{ var.value.get('mnist_spark_conf', 'conf/mnist-sweep.conf') }}",
                "--s3", "{{ var.value.mnist_spark_s3 }}", "--experiment", "mnist-{{ ds_nodash }}"));
        assertEquals(names(rendered.get(0).get("Args").elements()), dagArgs);
        assertEquals("command-runner.jar", step.at("/HadoopJarStep/Jar").asText());
        assertEquals(List.of("spark-submit", "--master", "yarn", "--deploy-mode", "cluster"), dagArgs.subList(0, 5));
        for (String line : Files.readAllLines(Path.of("submit/spark-job.conf"))) {
            if (!line.isBlank() && !line.startsWith("#")) {
                String[] pair = line.split(" ", 2);
                assertTrue(dagArgs.stream().anyMatch(a -> a.startsWith(pair[0] + "=") && a.contains(pair[1])),
                        "the EMR step lacks " + line);
            }
        }
        assertTrue(dagArgs.stream().anyMatch(a -> a.startsWith("spark.executor.memoryOverhead=")));
        assertTrue(dagArgs.stream().anyMatch(a -> a.contains("-Dorg.bytedeco.javacpp.maxphysicalbytes=")));
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
