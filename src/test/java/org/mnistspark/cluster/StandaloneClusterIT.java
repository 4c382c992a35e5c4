package org.mnistspark.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mnistspark.TestFiles;
import org.mnistspark.TestSpark;
import org.mnistspark.results.ResultsTable;

/**
 * A real Spark standalone cluster on 127.0.0.1 (a master and two worker JVMs started by
 * submit/local-cluster.sh from Spark's own jars), the sweep submitted to it by submit/standalone.sh in
 * client mode, and proof that training ran in executor JVMs on both workers.
 */
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class StandaloneClusterIT {
    static final Path ROOT = Paths.get("").toAbsolutePath();
    static final Path WORK = ROOT.resolve("target/it-standalone");
    static final Path CLUSTER = WORK.resolve("cluster");
    static int masterPort;
    static Map<String, String> clusterEnv;

    record Run(int exitCode, String output) {}

    static Run run(Map<String, String> env, long timeoutMinutes, String... command) throws Exception {
        ProcessBuilder builder =
                new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true);
        builder.environment().remove("SPARK_HOME"); // the cluster's Spark, the one this build put in target/spark-home
        builder.environment().putAll(env);
        File log = Files.createTempFile(WORK, "process", ".log").toFile();
        builder.redirectOutput(log);
        Process process = builder.start();
        if (!process.waitFor(timeoutMinutes, TimeUnit.MINUTES)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " timed out:\n" + Files.readString(log.toPath()));
        }
        return new Run(process.exitValue(), Files.readString(log.toPath(), StandardCharsets.UTF_8));
    }

    @BeforeAll
    static void startCluster() throws Exception {
        if (Files.exists(CLUSTER)) { // a run killed before @AfterAll: stop its JVMs before their pid files go
            run(Map.of("CLUSTER_DIR", CLUSTER.toString()), 2, "submit/local-cluster.sh", "stop");
        }
        TestFiles.deleteRecursively(WORK); // start from nothing: an earlier run's table would make the sweep skip
        Files.createDirectories(WORK);
        masterPort = TestFiles.freeLoopbackPort();
        clusterEnv = Map.of(
                "CLUSTER_DIR",
                CLUSTER.toString(),
                "MASTER_PORT",
                Integer.toString(masterPort),
                "MASTER_UI_PORT",
                Integer.toString(TestFiles.freeLoopbackPort()),
                "WORKER_MEMORY",
                "1500m",
                "WORKER_CORES",
                "2",
                "SPARK_LOCAL_IP",
                "127.0.0.1");
        // A test JVM killed before @AfterAll (failsafe's fork timeout) must not leave the cluster running.
        Map<String, String> stopEnv = clusterEnv;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                run(stopEnv, 1, "submit/local-cluster.sh", "stop");
            } catch (Exception ignored) { // best effort while the JVM goes down
            }
        }));
        Run start = run(clusterEnv, 5, "submit/local-cluster.sh", "start", "2");
        assertThat(start.exitCode()).as(start.output()).isZero();
        assertThat(start.output()).contains("2 workers alive");
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (clusterEnv != null) {
            run(clusterEnv, 2, "submit/local-cluster.sh", "stop");
        }
    }

    /** submit/standalone.sh to this cluster, into this test's table and models folders. */
    static String[] submitCommand(String experiment, String... options) {
        List<String> command = new ArrayList<>(List.of(
                "submit/standalone.sh",
                "spark://127.0.0.1:" + masterPort,
                "--experiment",
                experiment,
                "--results",
                WORK.resolve("results").toString(),
                "--models",
                WORK.resolve("models").toString()));
        command.addAll(List.of(options));
        return command.toArray(String[]::new);
    }

    /**
     * The trials every test here trains: h = 5 and 10, 2 epochs of 6,000 images, 2 workers each (the
     * default), a round every 5 minibatches: 2 workers x 5 x 32 images = 320 images, 19 rounds an epoch.
     */
    static final List<String> TWO_TRIALS = List.of(
            "--train-limit",
            "6000",
            "--test-limit",
            "500",
            "--hidden-channels",
            "5,10",
            "--epochs",
            "2",
            "--engine",
            "persistent",
            "--averaging-frequency",
            "5",
            "--progress-every",
            "10",
            "--set",
            "training.learning-rate=0.05",
            "--set",
            "training.momentum=0.9");

    static String[] withTwoTrials(String[] command, String... more) {
        List<String> all = new ArrayList<>(List.of(command));
        all.addAll(TWO_TRIALS);
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    /** What must not change between runs of one trial: its id, and every figure it reached, by epoch. */
    static List<String> figures(Path results) throws Exception {
        ResultsTable table = new ResultsTable(TestSpark.session(), results.toString());
        return table.epochs()
                .where("experiment = 'it-two-trials'")
                .orderBy("trial_id", "epoch")
                .selectExpr("concat_ws(' ', trial_id, epoch, train_loss, test_loss, test_correct)")
                .as(org.apache.spark.sql.Encoders.STRING())
                .collectAsList();
    }

    /**
     * The two trials on the cluster, side by side by default (twice the executors' 4 cores over 2
     * workers a trial, so both trials at once). TOTAL_EXECUTOR_CORES (spark.cores.max) makes the wait for executors end on the count, not
     * on a quiet spell, so the test does not depend on how fast executors start (ExecutorCoresTest covers
     * the quiet-spell rule). The same sweep on local[2], one trial at a time, gives the same trial
     * ids and the same figures to the last bit: the cluster changes how soon, never what.
     */
    @Test
    @org.junit.jupiter.api.Order(1)
    void twoTrialsSideBySideInExecutorsOnBothWorkersEqualTheSameSweepOnLocal() throws Exception {
        Path results = WORK.resolve("results");
        String master = "spark://127.0.0.1:" + masterPort;
        Run sweep = run(
                Map.of("SPARK_LOCAL_IP", "127.0.0.1", "EXECUTOR_MEMORY", "1g", "TOTAL_EXECUTOR_CORES", "4"),
                15,
                withTwoTrials(submitCommand("it-two-trials")));
        assertThat(sweep.exitCode()).as(sweep.output()).isZero();
        assertThat(sweep.output())
                .contains("2 trials on " + master + ", 2 trials at once (2 x 4 cores / 2 workers "
                        + "per trial; cores: the total of 2 executors registered, capped at the 2 to train), "
                        + "2 workers each");

        ResultsTable table = new ResultsTable(TestSpark.session(), results.toString());
        List<Row> rows = table.trials()
                .where("experiment = 'it-two-trials'")
                .select("hidden_channels", "spark_master", "test_accuracy_last", "train_images", "workers")
                .orderBy("hidden_channels")
                .collectAsList();
        assertThat(rows).hasSize(2);
        for (Row row : rows) {
            assertThat(row.getString(1)).isEqualTo(master);
            // It learned (chance is 0.1); the full sweep's accuracies are in docs/performance.md.
            assertThat(row.getDouble(2)).as("accuracy").isGreaterThanOrEqualTo(0.6);
            assertThat(row.getLong(3)).isEqualTo(6000L);
            assertThat(row.getInt(4)).isEqualTo(2);
        }
        assertThat(figures(results)).hasSize(4);

        // Each worker launched an executor JVM that loaded ND4J and ran tasks: training happened there.
        for (String worker : List.of("worker-1", "worker-2")) {
            String logs = executorLogs(CLUSTER.resolve(worker));
            assertThat(logs).as(worker + " executor loaded ND4J").contains("Loaded [CpuBackend] backend");
            assertThat(logs).as(worker + " executor ran no task").contains("Finished task");
        }

        Path local = WORK.resolve("results-local");
        Run onLocal = run(
                Map.of("SPARK_MASTER", "local[2]"),
                15,
                withTwoTrials(
                        new String[] {
                            "submit/local.sh",
                            "--experiment",
                            "it-two-trials",
                            "--results",
                            local.toString(),
                            "--models",
                            ""
                        },
                        "--parallel-trials",
                        "1"));
        assertThat(onLocal.exitCode()).as(onLocal.output()).isZero();
        assertThat(onLocal.output()).contains("2 trials on local[2], 1 trial at once (sweep.parallel-trials)");
        assertThat(figures(local)).as("the same sweep on local[2]").isEqualTo(figures(results));
    }

    /**
     * Every executor JVM killed in the middle of an epoch while both trials train side by side, after a
     * known round of each (the driver reports every round): Spark reruns the lost tasks on the executors
     * the workers start anew, the persistent engine builds each trial's workers again there from the
     * round's broadcast state, and both trials complete with the figures of the undisturbed run above.
     */
    @Test
    @org.junit.jupiter.api.Order(2)
    void executorsKilledWhileTwoTrialsTrainChangeNothingButTheTime() throws Exception {
        Path results = WORK.resolve("results-fault");
        Path log = WORK.resolve("fault-sweep.log");
        ProcessBuilder builder = new ProcessBuilder(withTwoTrials(
                        new String[] {
                            "submit/standalone.sh",
                            "spark://127.0.0.1:" + masterPort,
                            "--experiment",
                            "it-two-trials",
                            "--results",
                            results.toString(),
                            "--models",
                            WORK.resolve("models-fault").toString()
                        },
                        "--parallel-trials",
                        "2"))
                .directory(ROOT.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().remove("SPARK_HOME");
        builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        Process sweep = builder.start();
        try {
            // Round 6 of 19 in epoch 1 of each trial: both are in the middle of their training.
            awaitOutput(sweep, log, "[1/2]  epoch 1/2 [  1920/6000");
            awaitOutput(sweep, log, "[2/2]  epoch 1/2 [  1920/6000");
            List<ProcessHandle> executors = executors();
            assertThat(executors).as("an executor on each worker").hasSize(2);
            executors.forEach(ProcessHandle::destroyForcibly); // SIGKILL: every worker network is lost
            assertThat(sweep.waitFor(10, TimeUnit.MINUTES))
                    .as("the sweep hangs after losing its executors")
                    .isTrue();
        } finally { // a failed assertion must not leave the driver waiting for executors
            sweep.descendants().forEach(ProcessHandle::destroyForcibly);
            sweep.destroyForcibly();
        }
        String output = Files.readString(log);
        assertThat(sweep.exitValue()).as(output).isZero();
        for (String trial : List.of("[1/2]", "[2/2]")) {
            assertThat(output)
                    .as(trial + " lost its workers and built them again on the new executors")
                    .containsPattern(java.util.regex.Pattern.quote(trial)
                            + "  persistent engine: ([4-9]|[1-9][0-9]+) worker networks built");
        }
        assertThat(figures(results))
                .as("the killed run's trials against the undisturbed run's")
                .isEqualTo(figures(WORK.resolve("results")));
        ResultsTable table = new ResultsTable(TestSpark.session(), results.toString());
        assertThat(table.allEpochRows().count())
                .as("whole trials: both epochs of each, nothing more")
                .isEqualTo(4);
        if (Files.exists(results.resolve("_staging"))) {
            try (Stream<Path> staged = Files.list(results.resolve("_staging"))) {
                assertThat(staged).as("nothing left in _staging").isEmpty();
            }
        }
    }

    private static void awaitOutput(Process process, Path log, String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (!Files.readString(log).contains(text) && System.nanoTime() < deadline && process.isAlive()) {
            Thread.sleep(100);
        }
        assertThat(Files.readString(log)).as("the run never got there").contains(text);
    }

    /** The executor JVMs of this test's cluster: children of its worker JVMs. */
    private static List<ProcessHandle> executors() throws IOException {
        java.util.Set<Long> workers = new java.util.HashSet<>();
        for (String worker : List.of("worker-1.pid", "worker-2.pid")) {
            workers.add(Long.parseLong(Files.readString(CLUSTER.resolve(worker)).trim()));
        }
        return ProcessHandle.allProcesses()
                .filter(p ->
                        p.parent().map(parent -> workers.contains(parent.pid())).orElse(false))
                .filter(p -> p.info().commandLine().orElse("").contains("CoarseGrainedExecutorBackend"))
                .toList();
    }

    /** Everything the executors of one worker wrote to stderr: each app folder, each executor, its stderr. */
    static String executorLogs(Path workerDir) throws IOException {
        List<String> logs = new ArrayList<>();
        try (Stream<Path> files = Files.walk(workerDir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().equals("stderr"))
                    .toList()) {
                logs.add(Files.readString(file, StandardCharsets.UTF_8));
            }
        }
        return String.join("\n", logs);
    }
}
