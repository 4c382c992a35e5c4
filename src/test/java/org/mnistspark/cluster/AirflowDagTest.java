package org.mnistspark.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A structural check of the Airflow DAG file against the pinned Airflow API (Airflow cannot be
 * installed here): it compiles with Debian's Python, and submit/airflow/check_dag.py loads it with
 * stand-ins built from src/test/resources/airflow-api/airflow-2.x.json, the import paths and
 * constructor parameters of the pinned Airflow and provider releases, which reject anything else.
 * The DAGs' spark-submit settings and job arguments must equal what submit/standalone.sh passes, and
 * the EMR steps what submit/emr/render_step.py renders: one source, no hand-kept copy.
 */
class AirflowDagTest {
    static final String PYTHON = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    static final String CHECK = "submit/airflow/check_dag.py";
    static final String DAG_FILE = "submit/airflow/mnist_sweep_dag.py";
    static final String FIXTURE = "src/test/resources/airflow-api/airflow-2.x.json";
    static final List<String> JOBS = List.of("sweep", "predict", "report");
    // The DAG's templates, which Airflow renders at run time.
    static final String PREFIX = "{{ var.value.mnist_spark_s3.rstrip('/') }}";
    static final String RUN = "{{ ds_nodash }}";
    static final String EXPERIMENT = "mnist-" + RUN;
    static final String PARALLEL_TRIALS = "{{ var.value.get('mnist_spark_parallel_trials', '4') }}";

    @TempDir
    Path temp;

    record Result(int exitCode, String output) {}

    private Result execute(Map<String, String> env, List<String> command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment()
                .put("PYTHONPYCACHEPREFIX", temp.resolve("pycache").toString()); // no __pycache__ in the sources
        builder.environment().remove("SPARK_LOCAL_IP"); // the scripts add a driver host for it; the DAG has none
        builder.environment().putAll(env);
        Path log = Files.createTempFile(temp, "output", ".log");
        Process process = builder.redirectOutput(log.toFile()).start(); // a file: the time limit below holds
        boolean ended = process.waitFor(60, TimeUnit.SECONDS);
        if (!ended) {
            process.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(ended)
                .as(String.join(" ", command) + " did not end in 60 s:\n" + output)
                .isTrue();
        return new Result(process.exitValue(), output);
    }

    private String run(Map<String, String> env, String... command) throws Exception {
        Result result = execute(env, List.of(command));
        assertThat(result.exitCode())
                .as(String.join(" ", command) + ":\n" + result.output())
                .isZero();
        return result.output();
    }

    private JsonNode check(String... arguments) throws Exception {
        return new ObjectMapper().readTree(run(Map.of(), concat(List.of(PYTHON, CHECK), List.of(arguments))));
    }

    private JsonNode dags() throws Exception {
        return check().get("dags");
    }

    /** The check of a copy of the DAG file with one text replaced, which must fail. */
    private String failedCheckOfCopy(String text, String replacement) throws Exception {
        String dag = Files.readString(Path.of(DAG_FILE));
        assertThat(dag).contains(text);
        Path copy = temp.resolve("broken_dag.py");
        Files.writeString(copy, dag.replace(text, replacement));
        Result result = execute(
                Map.of(
                        "MNIST_SPARK_SUBMIT_DIR",
                        Path.of("submit").toAbsolutePath().toString()),
                List.of(PYTHON, CHECK, copy.toString()));
        assertThat(result.exitCode()).as(result.output()).isEqualTo(1);
        return result.output();
    }

    private static JsonNode task(JsonNode dag, String taskId) {
        for (JsonNode task : dag.get("tasks")) {
            if (task.get("task_id").asText().equals(taskId)) {
                return task;
            }
        }
        throw new AssertionError("no task " + taskId + " in " + dag);
    }

    @Test
    void dagFileCompilesWithDebiansPython() throws Exception {
        run(
                Map.of(),
                PYTHON,
                "-m",
                "py_compile",
                DAG_FILE,
                CHECK,
                "submit/submit_args.py",
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
    }

    @Test
    void theSweepRunsFirstThenPredictAndReport() throws Exception {
        JsonNode spark = dags().get("mnist_sweep");
        assertThat(names(spark.get("tasks").elements(), "task_id")).containsExactlyElementsOf(JOBS);
        assertThat(names(spark.get("tasks").elements(), "operator")).containsOnly("SparkSubmitOperator");
        assertThat(names(task(spark, "sweep").get("downstream").elements())).containsExactly("predict", "report");
        assertThat(task(spark, "predict").get("downstream")).isEmpty();
        assertThat(task(spark, "report").get("downstream")).isEmpty();

        JsonNode emr = dags().get("mnist_sweep_emr");
        for (String job : JOBS) {
            JsonNode add = task(emr, "add_" + job + "_step");
            JsonNode watch = task(emr, "watch_" + job + "_step");
            assertThat(add.get("operator").asText()).isEqualTo("EmrAddStepsOperator");
            assertThat(watch.get("operator").asText()).isEqualTo("EmrStepSensor");
            assertThat(names(add.get("downstream").elements()))
                    .as("the sensor waits for its step")
                    .containsExactly("watch_" + job + "_step");
            assertThat(watch.at("/arguments/step_id").asText())
                    .isEqualTo("{{ task_instance.xcom_pull(task_ids='add_" + job + "_step')[0] }}");
        }
        assertThat(names(task(emr, "watch_sweep_step").get("downstream").elements()))
                .as("predict and report are added only once the sweep's step has succeeded")
                .containsExactly("add_predict_step", "add_report_step");
    }

    @Test
    void jobArgumentsHaveTheirExactShapes() throws Exception {
        JsonNode spark = dags().get("mnist_sweep");
        assertThat(jobArgs(task(spark, "predict")))
                .containsExactly(
                        "predict",
                        "--model",
                        "best:" + EXPERIMENT,
                        "--images",
                        PREFIX + "/mnist",
                        "--output",
                        PREFIX + "/predictions/" + RUN,
                        "--results",
                        PREFIX + "/results");
        assertThat(jobArgs(task(spark, "report")))
                .containsExactly("report", "--results", PREFIX + "/results", "--output", PREFIX + "/reports/" + RUN);
        assertThat(jobArgs(task(spark, "sweep")))
                .containsExactly(
                        "sweep",
                        "--conf",
                        "{{ var.value.mnist_spark_conf }}",
                        "--experiment",
                        EXPERIMENT,
                        "--parallel-trials",
                        PARALLEL_TRIALS,
                        "--data",
                        PREFIX + "/mnist",
                        "--results",
                        PREFIX + "/results",
                        "--models",
                        PREFIX + "/models");
        JsonNode emr = dags().get("mnist_sweep_emr");
        for (String job : JOBS) {
            List<String> args = names(task(emr, "add_" + job + "_step")
                    .at("/arguments/steps/0/HadoopJarStep/Args")
                    .elements());
            int jar = args.indexOf("{{ var.value.mnist_spark_jar }}");
            assertThat(args.subList(jar + 1, args.size()))
                    .as("the EMR step runs the same job as the spark DAG")
                    .isEqualTo(jobArgs(task(spark, job)));
        }
    }

    @Test
    void sparkSubmitArgumentsEqualTheShellScriptsOnYarn() throws Exception {
        for (JsonNode task : dags().get("mnist_sweep").get("tasks")) {
            JsonNode arguments = task.get("arguments");
            List<String> jobArgs = jobArgs(task);
            // What submit/standalone.sh passes to spark-submit for the same job arguments on YARN.
            List<String> script = List.of(
                    run(Map.of("MNIST_SPARK_PRINT_ONLY", "1"), concat(List.of("submit/standalone.sh", "yarn"), jobArgs))
                            .split("\n"));
            int jar = script.indexOf(
                    Path.of("target/mnist-spark.jar").toAbsolutePath().toString());
            assertThat(jar).as("the jar in " + script).isPositive();
            Map<String, String> scriptConfs = new LinkedHashMap<>();
            for (int i = 0; i < jar; i++) { // spark-submit's own options end at the jar
                if (script.get(i).equals("--conf")) {
                    String[] pair = script.get(i + 1).split("=", 2);
                    scriptConfs.put(pair[0], pair[1]);
                }
            }
            Map<String, String> dagConfs = new LinkedHashMap<>();
            arguments
                    .get("conf")
                    .fields()
                    .forEachRemaining(e -> dagConfs.put(e.getKey(), e.getValue().asText()));
            assertThat(dagConfs)
                    .as(task.get("task_id").asText())
                    .isNotEmpty()
                    .containsExactlyEntriesOf(scriptConfs)
                    .containsKeys("spark.executor.memoryOverhead", "spark.driver.memoryOverhead");
            assertThat(dagConfs.get("spark.executor.extraJavaOptions"))
                    .contains("-Dorg.bytedeco.javacpp.maxphysicalbytes=");
            assertThat(script.subList(jar + 1, script.size())).isEqualTo(jobArgs);
            // The jar's manifest names the main class and the job names itself: neither passes them.
            assertThat(script).doesNotContain("--class", "--name");
            assertThat(arguments.has("java_class")).isFalse();
            assertThat(arguments.get("name").isNull())
                    .as("no --name, not the operator's default 'arrow-spark'")
                    .isTrue();
        }
    }

    @Test
    void emrStepsEqualTheRenderedStepsAndCarryTheYarnSettings() throws Exception {
        JsonNode emr = dags().get("mnist_sweep_emr");
        JsonNode rendered = new ObjectMapper()
                .readTree(run(
                        Map.of(),
                        PYTHON,
                        "submit/emr/render_step.py",
                        "--jar",
                        "{{ var.value.mnist_spark_jar }}",
                        "--conf-file",
                        "{{ var.value.mnist_spark_conf }}",
                        "--s3",
                        PREFIX,
                        "--experiment",
                        EXPERIMENT,
                        "--parallel-trials",
                        PARALLEL_TRIALS,
                        "--predict-and-report",
                        "--ds-nodash",
                        RUN));
        assertThat(rendered).hasSize(JOBS.size());
        assertThat(names(rendered.elements(), "ActionOnFailure"))
                .as("a failed sweep cancels the steps after it")
                .containsExactly("CANCEL_AND_WAIT", "CONTINUE", "CONTINUE");
        for (int i = 0; i < JOBS.size(); i++) {
            JsonNode step = task(emr, "add_" + JOBS.get(i) + "_step").at("/arguments/steps/0");
            List<String> dagArgs = names(step.at("/HadoopJarStep/Args").elements());
            assertThat(dagArgs).isEqualTo(names(rendered.get(i).get("Args").elements()));
            assertThat(step.get("Name").asText())
                    .isEqualTo(rendered.get(i).get("Name").asText())
                    .startsWith("mnist-spark " + JOBS.get(i));
            assertThat(step.at("/HadoopJarStep/Jar").asText()).isEqualTo("command-runner.jar");
            assertThat(dagArgs.subList(0, 3)).containsExactly("spark-submit", "--master", "yarn");
            assertThat(String.join(" ", dagArgs)).contains("--deploy-mode cluster");
            for (String file : List.of("submit/spark-job.conf", "submit/yarn/spark-yarn.conf")) {
                for (Map.Entry<String, String> setting : settings(file).entrySet()) {
                    assertThat(dagArgs)
                            .as("the EMR step has " + setting + " of " + file)
                            .anyMatch(a -> a.startsWith(setting.getKey() + "=") && a.contains(setting.getValue()));
                }
            }
        }
    }

    @Test
    void theYarnSettingsAreOneFileAndNoValueIsWrittenTwice() throws Exception {
        assertThat(Path.of("submit/emr/spark-emr.conf")).doesNotExist();
        Map<String, String> job = settings("submit/spark-job.conf");
        Map<String, String> yarn = settings("submit/yarn/spark-yarn.conf");
        assertThat(yarn).containsKeys("spark.executor.memoryOverhead", "spark.executor.extraJavaOptions");
        for (Map.Entry<String, String> setting : yarn.entrySet()) {
            if (setting.getKey().endsWith("extraJavaOptions")) { // appended: neither file may repeat an option
                List<String> jobOptions =
                        List.of(job.getOrDefault(setting.getKey(), "").split("\\s+"));
                assertThat(List.of(setting.getValue().split("\\s+"))).doesNotContainAnyElementsOf(jobOptions);
            } else {
                assertThat(job)
                        .as("spark-yarn.conf replaces " + setting.getKey() + "; it must not repeat it")
                        .doesNotContainEntry(setting.getKey(), setting.getValue());
            }
        }
    }

    @Test
    void theTrialsAtOnceComeFromAVariableOrRenderStepsOptionAndTheWorkersFromTheSweepsFile() throws Exception {
        JsonNode dags = dags();
        assertThat(jobArgs(task(dags.get("mnist_sweep"), "sweep")))
                .containsSequence("--parallel-trials", PARALLEL_TRIALS);
        assertThat(names(task(dags.get("mnist_sweep_emr"), "add_sweep_step")
                        .at("/arguments/steps/0/HadoopJarStep/Args")
                        .elements()))
                .containsSequence("--parallel-trials", PARALLEL_TRIALS);
        JsonNode defaults = renderStep("--s3", "s3a://bucket/p");
        assertThat(jobArgsAfterJar(defaults.get(0)))
                .containsSequence("--parallel-trials", "4")
                .as("the workers per trial are the sweep's own (trial ids include them)")
                .doesNotContain("--workers");
        JsonNode eight = renderStep("--s3", "s3a://bucket/p", "--parallel-trials", "8");
        assertThat(jobArgsAfterJar(eight.get(0))).containsSequence("--parallel-trials", "8");
        Result bad = execute(
                Map.of(),
                List.of(
                        PYTHON,
                        "submit/emr/render_step.py",
                        "--jar",
                        "j",
                        "--conf-file",
                        "c",
                        "--s3",
                        "s",
                        "--experiment",
                        "e",
                        "--parallel-trials",
                        "0"));
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.output()).contains("--parallel-trials: must be a positive whole number");
    }

    @Test
    void aPrefixEndingInSlashGivesNoDoubleSlashRenderedOrFromRenderStep() throws Exception {
        String prefix = "s3a://bucket/mnist-spark/";
        JsonNode rendered = check(
                        "--var",
                        "mnist_spark_s3=" + prefix,
                        "--var",
                        "mnist_spark_jar=s3://bucket/mnist-spark.jar",
                        "--var",
                        "mnist_spark_conf=s3a://bucket/sweep.conf",
                        "--var",
                        "mnist_spark_emr_cluster=j-CLUSTER",
                        "--ds-nodash",
                        "20261121")
                .get("dags");
        List<String> predict = jobArgs(task(rendered.get("mnist_sweep"), "predict"));
        assertThat(predict)
                .containsExactly(
                        "predict",
                        "--model",
                        "best:mnist-20261121",
                        "--images",
                        "s3a://bucket/mnist-spark/mnist",
                        "--output",
                        "s3a://bucket/mnist-spark/predictions/20261121",
                        "--results",
                        "s3a://bucket/mnist-spark/results");
        List<String> sweep = jobArgs(task(rendered.get("mnist_sweep"), "sweep"));
        assertThat(sweep)
                .containsSequence("--parallel-trials", "4")
                .containsSequence("--data", "s3a://bucket/mnist-spark/mnist");
        for (JsonNode dag : rendered) {
            assertThat(String.join(" ", allText(dag)))
                    .contains("s3a://bucket/mnist-spark/")
                    .doesNotContain("mnist-spark//");
        }

        JsonNode steps = renderStep("--s3", prefix, "--predict-and-report", "--ds-nodash", "20261121");
        for (JsonNode step : steps) {
            assertThat(String.join(" ", jobArgsAfterJar(step))).contains(prefix).doesNotContain("mnist-spark//");
        }
        assertThat(jobArgsAfterJar(steps.get(2)))
                .containsExactly(
                        "report",
                        "--results",
                        "s3a://bucket/mnist-spark/results",
                        "--output",
                        "s3a://bucket/mnist-spark/reports/20261121");
    }

    @Test
    void aMisspeltArgumentFailsTheCheckNamingIt() throws Exception {
        String output = failedCheckOfCopy("application=JAR,", "aplication=JAR,");
        assertThat(output)
                .contains("SparkSubmitOperator(task_id='sweep') got an unknown keyword argument 'aplication'")
                .contains("apache-airflow-providers-apache-spark 5.3.4")
                .contains("broken_dag.py:");
        assertThat(failedCheckOfCopy("aws_conn_id=\"aws_default\",\n        )", "aws_conn=\"aws_default\",\n        )"))
                .contains("EmrStepSensor(task_id='watch_sweep_step') got an unknown keyword argument 'aws_conn'");
        assertThat(failedCheckOfCopy("\"retries\": 2", "\"retires\": 2"))
                .contains("default_args key 'retires' of DAG 'mnist_sweep' is a parameter of none of its operators");
    }

    @Test
    void aWrongImportPathFailsTheCheckNamingIt() throws Exception {
        assertThat(failedCheckOfCopy(
                        "from airflow.providers.amazon.aws.sensors.emr import",
                        "from airflow.providers.amazon.aws.sensors.emr_step import"))
                .contains("No module named 'airflow.providers.amazon.aws.sensors.emr_step' in apache-airflow 2.10.5");
        assertThat(failedCheckOfCopy("import SparkSubmitOperator", "import SparkSubmitOperater as SparkSubmitOperator"))
                .contains("cannot import name 'SparkSubmitOperater'");
    }

    @Test
    void thePinnedAirflowMustHaveEverythingTheDagUses() throws Exception {
        JsonNode api = check().get("api");
        assertThat(api.get("versions").get("apache-airflow").asText()).isEqualTo("2.10.5");
        assertThat(api.get("minimum_airflow").asText()).isEqualTo("2.10.0");

        String fixture = Files.readString(Path.of(FIXTURE));
        Path old = temp.resolve("airflow-2.3.json");
        Files.writeString(old, fixture.replace("\"apache-airflow\": \"2.10.5\"", "\"apache-airflow\": \"2.3.4\""));
        Result result = execute(Map.of(), List.of(PYTHON, CHECK, "--api", old.toString()));
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.output())
                .contains(
                        "mnist_sweep_dag.py:",
                        "DAG(schedule=...) needs apache-airflow >= 2.4.0; the pinned release is 2.3.4")
                .contains("need apache-airflow >= 2.10.0");
    }

    @Test
    void readmeStatesTheMinimumAirflowAndThePinnedReleases() throws Exception {
        String running = Files.readString(Path.of("docs/running.md")); // the documentation's ways of running
        int start = running.indexOf("## 6. Airflow");
        int end = running.indexOf("## When things fail");
        assertThat(start)
                .as("docs/running.md's Airflow section")
                .isNotNegative()
                .isLessThan(end);
        String airflow = running.substring(start, end);
        JsonNode api = check().get("api");
        assertThat(airflow)
                .contains("minimum Airflow version is "
                        + api.get("minimum_airflow").asText());
        api.get("versions")
                .fields()
                .forEachRemaining(v -> assertThat(airflow)
                        .contains("`" + v.getKey() + "==" + v.getValue().asText() + "`"));
    }

    private JsonNode renderStep(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                PYTHON,
                "submit/emr/render_step.py",
                "--jar",
                "s3://bucket/mnist-spark.jar",
                "--conf-file",
                "s3a://bucket/sweep.conf",
                "--experiment",
                "mnist-x"));
        command.addAll(List.of(arguments));
        return new ObjectMapper().readTree(run(Map.of(), command.toArray(String[]::new)));
    }

    private static List<String> jobArgs(JsonNode sparkTask) {
        return names(sparkTask.at("/arguments/application_args").elements());
    }

    private static List<String> jobArgsAfterJar(JsonNode cliStep) {
        List<String> args = names(cliStep.get("Args").elements());
        return args.subList(args.indexOf("s3://bucket/mnist-spark.jar") + 1, args.size());
    }

    /** The "key value" lines of a Spark settings file, as submit_args.py and common.sh read them. */
    private static Map<String, String> settings(String file) throws IOException {
        Map<String, String> settings = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of(file))) {
            if (!line.isBlank() && !line.startsWith("#")) {
                String[] pair = line.trim().split("\\s+", 2);
                assertThat(settings).as(file + " states " + pair[0] + " once").doesNotContainKey(pair[0]);
                settings.put(pair[0], pair[1]);
            }
        }
        return settings;
    }

    private static List<String> allText(JsonNode node) {
        List<String> text = new ArrayList<>();
        if (node.isTextual()) {
            text.add(node.asText());
        }
        node.elements().forEachRemaining(child -> text.addAll(allText(child)));
        return text;
    }

    private static List<String> names(Iterator<?> values) {
        List<String> list = new ArrayList<>();
        values.forEachRemaining(v -> list.add(v instanceof JsonNode node ? node.asText() : v.toString()));
        return list;
    }

    private static List<String> names(Iterator<JsonNode> values, String field) {
        List<String> list = new ArrayList<>();
        values.forEachRemaining(v -> list.add(v.get(field).asText()));
        return list;
    }

    private static String[] concat(List<String> first, List<String> second) {
        List<String> all = new ArrayList<>(first);
        all.addAll(second);
        return all.toArray(String[]::new);
    }
}
