package org.mnistspark.cluster;

import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mnistspark.TestFiles;
import org.mnistspark.TestSpark;
import org.mnistspark.results.ResultsTable;

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

import static org.assertj.core.api.Assertions.assertThat;


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
        ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true);
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
        clusterEnv = Map.of("CLUSTER_DIR", CLUSTER.toString(), "MASTER_PORT", Integer.toString(masterPort),
                "MASTER_UI_PORT", Integer.toString(TestFiles.freeLoopbackPort()), "WORKER_MEMORY", "1500m", "WORKER_CORES", "2",
                "SPARK_LOCAL_IP", "127.0.0.1");
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
        List<String> command = new ArrayList<>(List.of("submit/standalone.sh", "spark://127.0.0.1:" + masterPort,
                "--experiment", experiment, "--results", WORK.resolve("results").toString(),
                "--models", WORK.resolve("models").toString()));
        command.addAll(List.of(options));
        return command.toArray(String[]::new);
    }

    @Test
    @org.junit.jupiter.api.Order(1)
    void sweepTrainsInExecutorsOnBothWorkersAndWritesTheTable() throws Exception {
        Path results = WORK.resolve("results");
        String master = "spark://127.0.0.1:" + masterPort;
        Run sweep = run(Map.of("SPARK_LOCAL_IP", "127.0.0.1", "EXECUTOR_MEMORY", "1g"), 15,
                submitCommand("it-standalone", "--train-limit", "3000", "--test-limit", "500", "--hidden-channels", "5,10",
                        "--epochs", "1", "--workers", "2", "--set", "training.learning-rate=0.05",
                        "--set", "training.momentum=0.9"));
        assertThat(sweep.exitCode()).as(sweep.output()).isZero();
        assertThat(sweep.output()).contains("on " + master + " with 2 workers");

        ResultsTable table = new ResultsTable(TestSpark.session(), results.toString());
        List<Row> rows = table.trials().where("experiment = 'it-standalone'")
                .select("hidden_channels", "spark_master", "test_accuracy_last", "train_images", "workers")
                .orderBy("hidden_channels").collectAsList();
        assertThat(rows).hasSize(2);
        for (Row row : rows) {
            assertThat(row.getString(1)).isEqualTo(master);
            // It learned (chance is 0.1). 3000 images, one epoch: 0.736-0.888 over seeds 1-8 on local[2] (mean
            // 0.80, deviation 0.045), so a bar near 0.8 would only measure the seed; the accuracy targets are
            // the full sweep's (README).
            assertThat(row.getDouble(2)).as("accuracy").isGreaterThanOrEqualTo(0.6);
            assertThat(row.getLong(3)).isEqualTo(3000L);
            assertThat(row.getInt(4)).isEqualTo(2);
        }
        assertThat(table.epochs().count()).isEqualTo(2);

        // Each worker launched an executor JVM that loaded ND4J and ran tasks: training happened there.
        for (String worker : List.of("worker-1", "worker-2")) {
            String logs = executorLogs(CLUSTER.resolve(worker));
            assertThat(logs).as(worker + " executor loaded ND4J").contains("Loaded [CpuBackend] backend");
            assertThat(logs).as(worker + " executor ran no task").contains("Finished task");
        }
    }

    /**
     * Every executor JVM killed in the middle of an epoch, after a known round (the driver reports every
     * round): Spark reruns the lost tasks on the executors the workers start anew, the persistent engine
     * builds both workers again there from the round's broadcast state, and the trial completes, whole.
     */
    @Test
    @org.junit.jupiter.api.Order(2)
    void executorsKilledMidEpochAreReplacedAndTheTrialCompletes() throws Exception {
        Path results = WORK.resolve("results");
        Path log = WORK.resolve("fault-sweep.log");
        ProcessBuilder builder = new ProcessBuilder(submitCommand("it-executor-killed", "--train-limit", "6000",
                "--test-limit", "500", "--hidden-channels", "5", "--epochs", "2", "--workers", "2",
                "--engine", "persistent", "--progress-every", "10",
                "--set", "training.learning-rate=0.05", "--set", "training.momentum=0.9"))
                .directory(ROOT.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().remove("SPARK_HOME");
        builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        Process sweep = builder.start();
        try {
            // Round 6 of 19 in epoch 1: 2 workers x 5 minibatches x 32 images = 320 images a round.
            awaitOutput(sweep, log, "epoch 1/2 [  1920/6000");
            List<ProcessHandle> executors = executors();
            assertThat(executors).as("an executor on each worker").hasSize(2);
            executors.forEach(ProcessHandle::destroyForcibly); // SIGKILL: every worker network is lost
            assertThat(sweep.waitFor(10, TimeUnit.MINUTES)).as("the sweep hangs after losing its executors").isTrue();
        } finally { // a failed assertion must not leave the driver waiting for executors
            sweep.descendants().forEach(ProcessHandle::destroyForcibly);
            sweep.destroyForcibly();
        }
        String output = Files.readString(log);
        assertThat(sweep.exitValue()).as(output).isZero();
        assertThat(output).as("both workers were built again on the new executors")
                .containsPattern("persistent engine: ([4-9]|[1-9][0-9]+) worker networks built");

        ResultsTable table = new ResultsTable(TestSpark.session(), results.toString());
        assertThat(table.trials().where("experiment = 'it-executor-killed' AND status = 'succeeded'").count())
                .isEqualTo(1);
        assertThat(table.allEpochRows().where("experiment = 'it-executor-killed'").count())
                .as("a whole trial: both epochs").isEqualTo(2);
        assertThat(table.trials().where("experiment = 'it-standalone'").count()).as("earlier rows are untouched")
                .isEqualTo(2);
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
                .filter(p -> p.parent().map(parent -> workers.contains(parent.pid())).orElse(false))
                .filter(p -> p.info().commandLine().orElse("").contains("CoarseGrainedExecutorBackend"))
                .toList();
    }

    /**
     * Without --workers the job trains with the executors' total cores: 2 workers x 2 cores. Executors
     * register after the driver starts, so a job that read the count at once got Spark's floor of 2.
     * TOTAL_EXECUTOR_CORES (spark.cores.max) makes the wait end on the count, not on a quiet spell, so the
     * test does not depend on how fast executors start; ExecutorCoresTest covers the quiet-spell rule.
     */
    @Test
    @org.junit.jupiter.api.Order(3)
    void defaultWorkersAreTheExecutorsTotalCores() throws Exception {
        Path results = WORK.resolve("results");
        String master = "spark://127.0.0.1:" + masterPort;
        Run sweep = run(Map.of("SPARK_LOCAL_IP", "127.0.0.1", "TOTAL_EXECUTOR_CORES", "4"), 10,
                submitCommand("it-default-workers", "--train-limit", "1200", "--test-limit", "200",
                        "--hidden-channels", "2", "--epochs", "1"));
        assertThat(sweep.exitCode()).as(sweep.output()).isZero();
        assertThat(sweep.output()).contains("on " + master + " with 4 workers (the executors' total cores (2 executors");
        Row row = new ResultsTable(TestSpark.session(), results.toString()).trials()
                .where("experiment = 'it-default-workers'").select("workers", "status").collectAsList().get(0);
        assertThat(row.getInt(0)).isEqualTo(4);
        assertThat(row.getString(1)).isEqualTo("succeeded");
    }

    /** Everything the executors of one worker wrote to stderr: each app folder, each executor, its stderr. */
    static String executorLogs(Path workerDir) throws IOException {
        List<String> logs = new ArrayList<>();
        try (Stream<Path> files = Files.walk(workerDir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().equals("stderr")).toList()) {
                logs.add(Files.readString(file, StandardCharsets.UTF_8));
            }
        }
        return String.join("\n", logs);
    }
}
