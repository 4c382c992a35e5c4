package org.mnistspark.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.mnistspark.TestFiles;
import org.mnistspark.report.ExternalProcess;

/**
 * The job on YARN and HDFS with real daemons on 127.0.0.1: a MiniDFSCluster (NameNode, one DataNode) and
 * a MiniYARNCluster (ResourceManager, two NodeManagers) from hadoop-minicluster at the project's Hadoop
 * version, in a JVM of their own (src/test/minicluster); every executor, and the driver in cluster mode,
 * is a container process the NodeManagers launch. The jar goes to YARN through submit/standalone.sh yarn,
 * as a user submits it, with submit/yarn/spark-yarn.conf: MNIST staged to HDFS by stage, the sweep in
 * client and in cluster deploy mode with results, claims and models on HDFS, query and predict reading
 * them back. The trials' ids and figures must be those of the same sweep on local[2].
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
// Part of mvn -B verify (374 s on the quiet 2-core AMD EPYC build machine). Alone:
//   mvn -B verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=YarnClusterIT
// Left out with -Dminicluster.skip=true -Dyarn.it=false.
@org.junit.jupiter.api.condition.DisabledIfSystemProperty(named = "yarn.it", matches = "false")
class YarnClusterIT {
    static final Path ROOT = Paths.get("").toAbsolutePath();
    static final Path WORK = ROOT.resolve("target/it-yarn");
    static final Path HADOOP_DIR = WORK.resolve("hadoop");
    static final Path HADOOP_CONF = WORK.resolve("hadoop-conf");
    static final Path SPARK_CONF = WORK.resolve("spark-conf");
    static final String EXPERIMENT = "it-yarn";
    static final String DATA = "hdfs:///it/mnist";
    static Process hadoop;

    /**
     * Two trials (h = 5 and 10) of one epoch of 3,000 images, side by side, 2 workers each, a round every
     * 2 minibatches: 2 x 2 x 32 = 128 images, 24 rounds; tested on the first 500 test images. One epoch:
     * with two, the second epoch's figures differed between two runs on YARN (see docs/running.md,
     * "What runs differently on YARN").
     */
    static final List<String> TRIALS = List.of(
            "--experiment",
            EXPERIMENT,
            "--train-limit",
            "3000",
            "--test-limit",
            "500",
            "--hidden-channels",
            "5,10",
            "--epochs",
            "1",
            "--engine",
            "persistent",
            "--averaging-frequency",
            "2",
            "--progress-every",
            "4",
            "--parallel-trials",
            "2",
            "--set",
            "training.learning-rate=0.05",
            "--set",
            "training.momentum=0.9");

    /** What every trial row must hold alike on local[2] and on YARN. */
    static final String TRIAL_FIGURES =
            "SELECT trial_id, test_correct_last, train_loss_last, test_loss_last, test_images "
                    + "FROM trials WHERE experiment = '" + EXPERIMENT + "' ORDER BY trial_id";

    @BeforeAll
    static void startHadoopAndStageMnist() throws Exception {
        TestFiles.deleteRecursively(WORK);
        Files.createDirectories(HADOOP_DIR);
        Path jar = ROOT.resolve("target/minicluster/minicluster.jar");
        assertThat(jar)
                .as("built by the minicluster execution in pom.xml (pre-integration-test)")
                .exists();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(
                        java,
                        "@" + ROOT.resolve("submit/jvm.args"),
                        "-Xmx1g",
                        "-cp",
                        jar + ":" + ROOT.resolve("target/minicluster/lib") + "/*",
                        "org.mnistspark.minicluster.MiniHadoop",
                        HADOOP_CONF.toString(),
                        "2",
                        "12288")
                .directory(HADOOP_DIR.toFile())
                .redirectErrorStream(true)
                .redirectOutput(WORK.resolve("hadoop.log").toFile());
        // Containers run {{JAVA_HOME}}/bin/java: the NodeManagers pass on theirs, this JVM's Java.
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().remove("HADOOP_CONF_DIR");
        hadoop = builder.start();
        Process started = hadoop;
        // A test JVM killed before @AfterAll must not leave the daemons or their containers running.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(started)));
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (!Files.exists(HADOOP_CONF.resolve("ready")) && hadoop.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(HADOOP_CONF.resolve("ready"))
                .as("HDFS and YARN did not start:\n" + tail(WORK.resolve("hadoop.log")))
                .exists();

        // The cluster's spark-defaults.conf, as a cluster's Spark has one (the scripts' --conf settings win).
        // Spark's jars are on this machine, where the NodeManagers are: no copy of them per application.
        // Executors, and the driver in cluster mode, listen on loopback; YARN retries no failed driver.
        Files.createDirectories(SPARK_CONF);
        Files.writeString(
                SPARK_CONF.resolve("spark-defaults.conf"),
                String.join(
                        "\n",
                        "spark.yarn.jars local:" + ROOT.resolve("target/spark-home/jars") + "/*",
                        "spark.executorEnv.SPARK_LOCAL_IP 127.0.0.1",
                        "spark.yarn.appMasterEnv.SPARK_LOCAL_IP 127.0.0.1",
                        "spark.executor.instances 2",
                        "spark.yarn.am.memory 512m",
                        "spark.yarn.maxAppAttempts 1",
                        "spark.ui.enabled false",
                        ""));

        ExternalProcess.Result stage = submit(Map.of(), Duration.ofMinutes(5), "submit/stage-data.sh", DATA);
        assertThat(stage.exitCode()).as(stage.describe()).isZero();
    }

    @AfterAll
    static void stopHadoop() {
        if (hadoop != null) {
            stop(hadoop);
        }
    }

    /** SIGTERM first: the daemons' shutdown hook stops the NodeManagers, which end their containers. */
    private static void stop(Process process) {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        children.forEach(ProcessHandle::destroyForcibly); // a container its NodeManager did not end
    }

    /** A submit/*.sh script with the cluster's configuration, as a user on a cluster's edge node runs it. */
    static ExternalProcess.Result submit(Map<String, String> env, Duration limit, String... command) throws Exception {
        Map<String, String> all = new HashMap<>(clientEnv());
        all.putAll(env);
        return ExternalProcess.run(List.of(command), ROOT, all, limit, WORK.resolve("logs"));
    }

    static Map<String, String> clientEnv() {
        return Map.of(
                "HADOOP_CONF_DIR",
                HADOOP_CONF.toString(),
                "SPARK_CONF_DIR",
                SPARK_CONF.toString(),
                "SPARK_LOCAL_IP",
                "127.0.0.1",
                "EXECUTOR_MEMORY",
                "1g",
                "SPARK_HOME",
                "");
    }

    static String[] sweepOnYarn(String results, String models) {
        List<String> command = new ArrayList<>(
                List.of("submit/standalone.sh", "yarn", "--data", DATA, "--results", results, "--models", models));
        command.addAll(TRIALS);
        return command.toArray(String[]::new);
    }

    /** The query command's output over a results table (on HDFS or local disk), through submit/local.sh query. */
    static String query(String results, String sql) throws Exception {
        ExternalProcess.Result query = submit(
                Map.of("SPARK_MASTER", "local[2]"),
                Duration.ofMinutes(3),
                "submit/local.sh",
                "query",
                "--results",
                results,
                sql);
        assertThat(query.exitCode()).as(query.describe()).isZero();
        return query.out();
    }

    /** The same sweep on local[2] from local disk, one trial at a time: what YARN must reproduce. */
    static String localFigures;

    static synchronized String localFigures() throws Exception {
        if (localFigures == null) {
            // file://: with HADOOP_CONF_DIR set, a path without a scheme is on HDFS.
            String results = "file://" + WORK.resolve("results-local");
            List<String> command = new ArrayList<>(List.of(
                    "submit/local.sh",
                    "--data",
                    "file://" + ROOT.resolve("data/mnist"),
                    "--results",
                    results,
                    "--models",
                    ""));
            command.addAll(TRIALS);
            command.set(command.indexOf("--parallel-trials") + 1, "1");
            ExternalProcess.Result local =
                    submit(Map.of("SPARK_MASTER", "local[2]"), Duration.ofMinutes(10), command.toArray(String[]::new));
            assertThat(local.exitCode()).as(local.describe()).isZero();
            localFigures = query(results, TRIAL_FIGURES);
        }
        return localFigures;
    }

    /**
     * oneDNN's instruction set every JVM of this host runs with: what CpuIsa chose here (the test JVM's
     * own choice; containers read the same per-host cache, as executors on one EMR instance type do).
     */
    static final String ISA = org.mnistspark.model.CpuIsa.apply().isa();

    /** Pattern of the line each trial prints per executor that trained it (NativeRuntime.environment()). */
    static final Pattern EXECUTOR_LINE = Pattern.compile("(\\[[12]/2])  executor_(\\S+)_(\\d+) ran with (.*)");

    /**
     * Every executor line of the output, each saying that spark.executorEnv's settings reached the
     * executor and that JavaCPP unpacked into the application's container folder on a NodeManager of
     * this cluster; and at least one for each trial.
     */
    static void assertExecutorsSawTheirEnvironment(String output, String applicationId) {
        Matcher lines = EXECUTOR_LINE.matcher(output);
        List<String> trials = new ArrayList<>();
        while (lines.find()) {
            trials.add(lines.group(1));
            assertThat(lines.group(4))
                    .as(lines.group())
                    .startsWith("OMP_NUM_THREADS=1, DNNL_MAX_CPU_ISA=" + ISA + ", JavaCPP cache " + HADOOP_DIR)
                    .containsPattern(
                            "/appcache/" + applicationId + "/container_\\w+/javacpp-cache \\([1-9][0-9]* MB\\)$");
        }
        assertThat(trials).as("executor lines of each trial in:\n" + output).contains("[1/2]", "[2/2]");
    }

    static String applicationId(String spark) {
        Matcher id = Pattern.compile("Submitting application (application_\\d+_\\d+)")
                .matcher(spark);
        assertThat(id.find())
                .as("spark-submit names the application:\n" + spark)
                .isTrue();
        return id.group(1);
    }

    /**
     * Client deploy mode: the driver here, executors in two YARN containers. The trials' rows on HDFS,
     * read back by query, equal the local run's; the executors ran with spark.executorEnv's OpenMP and
     * oneDNN settings and unpacked JavaCPP's libraries into their containers; predict on YARN reads the
     * images and the best model from HDFS and counts exactly the trial's own test result.
     */
    @Test
    @Order(1)
    void clientModeOnYarnWithHdfsGivesTheLocalRunsTrials() throws Exception {
        ExternalProcess.Result sweep = submit(
                Map.of("DEPLOY_MODE", "client"),
                Duration.ofMinutes(10),
                sweepOnYarn("hdfs:///it/results-client", "hdfs:///it/models-client"));
        assertThat(sweep.exitCode()).as(sweep.describe()).isZero();
        assertThat(sweep.out()).contains("2 trials on yarn, 2 trials at once");
        assertExecutorsSawTheirEnvironment(sweep.out(), applicationId(sweep.err()));

        String onYarn = query("hdfs:///it/results-client", TRIAL_FIGURES);
        assertThat(onYarn)
                .as("the sweep on YARN against the same sweep on local[2]")
                .isEqualTo(localFigures());
        assertThat(accuracies(onYarn)).hasSize(2).allSatisfy(a -> assertThat(a).isGreaterThanOrEqualTo(0.6));
        assertThat(query(
                        "hdfs:///it/results-client",
                        "SELECT model_path FROM trials WHERE experiment = '" + EXPERIMENT + "'"))
                .containsPattern("hdfs:.*/it/models-client/");

        ExternalProcess.Result predict = submit(
                Map.of("DEPLOY_MODE", "client"),
                Duration.ofMinutes(5),
                "submit/standalone.sh",
                "yarn",
                "predict",
                "--model",
                "best:" + EXPERIMENT,
                "--images",
                DATA,
                "--limit",
                "500",
                "--output",
                "hdfs:///it/predictions",
                "--results",
                "hdfs:///it/results-client");
        assertThat(predict.exitCode()).as(predict.describe()).isZero();
        Matcher accuracy = Pattern.compile("accuracy (\\d+)/500 = \\S+ \\(the trial's own test: (\\d+)/500\\)")
                .matcher(predict.out());
        assertThat(accuracy.find()).as(predict.out()).isTrue();
        assertThat(accuracy.group(1))
                .as("the best model on the same 500 images, from HDFS")
                .isEqualTo(accuracy.group(2));
        assertThat(predict.out()).containsPattern("predictions written to hdfs://[^/]*/it/predictions\n");
    }

    /**
     * Cluster deploy mode: the driver in the ApplicationMaster's container, its output in that container's
     * stdout log. Both executor containers are killed in the middle of the epoch while the two trials
     * train; YARN starts new ones, Spark reruns the lost round there, the persistent engine builds the
     * workers again, and both trials end with the local run's figures.
     */
    @Test
    @Order(2)
    void clusterModeOnYarnSurvivesItsExecutorContainersKilled() throws Exception {
        Path log = WORK.resolve("cluster-mode-submit.log");
        Map<String, String> env = new HashMap<>(clientEnv());
        env.put("DEPLOY_MODE", "cluster");
        ProcessBuilder builder = new ProcessBuilder(
                        sweepOnYarn("hdfs:///it/results-cluster", "hdfs:///it/models-cluster"))
                .directory(ROOT.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        ExternalProcess.setEnvironment(builder, env);
        Process submit = builder.start();
        String applicationId;
        Path driverOut;
        List<ProcessHandle> killed;
        try {
            applicationId = await(submit, () -> Files.readString(log), "Submitting application ", "spark-submit")
                    .transform(YarnClusterIT::applicationId);
            driverOut = awaitDriverStdout(submit, applicationId);
            // Round 3 of 24 of each trial: both are in the middle of their training.
            await(submit, () -> Files.readString(driverOut), "[1/2]  epoch 1/1 [   384/3000", "the driver");
            await(submit, () -> Files.readString(driverOut), "[2/2]  epoch 1/1 [   384/3000", "the driver");
            killed = executors(applicationId);
            assertThat(killed)
                    .as("the two executor containers of " + applicationId)
                    .hasSize(2);
            killed.forEach(ProcessHandle::destroyForcibly); // SIGKILL: every worker network is lost
            assertThat(submit.waitFor(10, TimeUnit.MINUTES))
                    .as("the application hangs after losing its executors")
                    .isTrue();
        } finally { // a failed assertion must not leave the application running
            submit.descendants().forEach(ProcessHandle::destroyForcibly);
            submit.destroyForcibly();
        }
        String spark = Files.readString(log);
        assertThat(submit.exitValue()).as(spark).isZero();
        assertThat(spark).contains("final status: SUCCEEDED");
        String driver = Files.readString(driverOut);
        assertThat(driver)
                .as("the driver's runtime line: its container chose the instruction set this host's cache holds")
                .contains("oneDNN instruction set " + ISA + " (calibrated on this host");
        for (String trial : List.of("[1/2]", "[2/2]")) {
            assertThat(driver)
                    .as(trial + " lost its workers and built them again on the new executors")
                    .containsPattern(
                            Pattern.quote(trial) + "  persistent engine: ([4-9]|[1-9][0-9]+) worker networks built");
        }
        assertExecutorsSawTheirEnvironment(driver, applicationId);
        assertThat(killed).allSatisfy(executor -> assertThat(executor.isAlive()).isFalse());

        assertThat(query("hdfs:///it/results-cluster", TRIAL_FIGURES))
                .as("the killed cluster-mode run against the same sweep on local[2]")
                .isEqualTo(localFigures());
        assertThat(query(
                        "hdfs:///it/results-cluster",
                        "SELECT count(*) AS epochs FROM epochs WHERE experiment = '" + EXPERIMENT + "'"))
                .as("whole trials: the epoch of each, nothing more")
                .endsWith("\n2\n");
    }

    interface Text {
        String read() throws IOException;
    }

    /** Waits up to 5 minutes for {@code text} in what {@code source} reads, while {@code process} runs. */
    private static String await(Process process, Text source, String text, String who) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        String read = source.read();
        while (!read.contains(text) && process.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(100);
            read = source.read();
        }
        assertThat(read).as(who + " never got there").contains(text);
        return read;
    }

    /** The driver's stdout in cluster mode: the log of the application's first container, its ApplicationMaster. */
    private static Path awaitDriverStdout(Process submit, String applicationId) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (submit.isAlive() && System.nanoTime() < deadline) {
            try (Stream<Path> files = Files.walk(HADOOP_DIR)) {
                List<Path> found = files.filter(f -> f.endsWith("stdout")
                                && f.getParent().getParent().endsWith(applicationId)
                                && f.getParent().getFileName().toString().endsWith("_01_000001"))
                        .toList();
                if (!found.isEmpty()) {
                    return found.get(0);
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no ApplicationMaster log of " + applicationId + " under " + HADOOP_DIR);
    }

    /** The executor JVMs of the application: container processes running Spark's YARN executor backend. */
    private static List<ProcessHandle> executors(String applicationId) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().command().map(c -> c.endsWith("/java")).orElse(false)) // not the bash around it
                .filter(p -> p.info()
                        .commandLine()
                        .map(c -> c.contains("YarnCoarseGrainedExecutorBackend") && c.contains(applicationId))
                        .orElse(false))
                .toList();
    }

    /** test_correct_last / test_images of each row of {@link #TRIAL_FIGURES}' printed table. */
    static List<Double> accuracies(String table) {
        List<Double> accuracies = new ArrayList<>();
        for (String line : table.split("\n")) {
            String[] cells = line.split("\\s*\\|\\s*");
            if (cells.length == 5 && cells[1].matches("\\d+")) {
                accuracies.add(Double.parseDouble(cells[1]) / Double.parseDouble(cells[4].trim()));
            }
        }
        return accuracies;
    }

    private static String tail(Path file) throws IOException {
        if (!Files.exists(file)) {
            return "(no " + file + ")";
        }
        String text = Files.readString(file);
        return text.length() <= 8000 ? text : "..." + text.substring(text.length() - 8000);
    }
}
