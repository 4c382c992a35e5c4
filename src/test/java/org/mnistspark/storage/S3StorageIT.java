package org.mnistspark.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.mnistspark.TestFiles;
import org.mnistspark.TestSpark;
import org.mnistspark.config.SweepConfig;
import org.mnistspark.data.MnistStaging;
import org.mnistspark.results.Records;
import org.mnistspark.results.ResultsTable;
import org.mnistspark.sweep.Sweep;
import org.mnistspark.sweep.SweepResult;
import org.mnistspark.sweep.TrialSummary;

/** MNIST, models and the results table on s3a://, against a real S3-compatible server on loopback. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class S3StorageIT {
    static final java.nio.file.Path WORK = java.nio.file.Path.of("target/it-s3").toAbsolutePath();
    static S3ProxyServer server;
    static SparkSession spark;

    @BeforeAll
    static void startServer() throws Exception {
        TestFiles.deleteRecursively(WORK); // the filesystem backend keeps buckets between runs
        Files.createDirectories(WORK);
        server = new S3ProxyServer(WORK.resolve("server"));
        server.start();
        server.client().createBucket("mnist");
        spark = TestSpark.session(server.sparkSettings());
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    static List<String> settings(String... extra) {
        List<String> settings = new ArrayList<>(List.of(
                "experiment=s3",
                "data.dir=\"s3a://mnist/data\"",
                "data.train-limit=3000",
                "data.test-limit=500",
                "data.workers=2",
                "model.hidden-channels=[5]",
                "training.epochs=1",
                "training.learning-rate=0.05",
                "training.momentum=0.9",
                "output.results=\"s3a://mnist/results\"",
                "output.models=\"s3a://mnist/models\""));
        settings.addAll(List.of(extra));
        return settings;
    }

    @Test
    @Order(1)
    void stagedMnistTrainsAndTheTableReadsBackFromS3() throws Exception {
        String staged = MnistStaging.stage(
                TestSpark.mnistDir().toString(),
                "s3a://mnist/data",
                spark.sparkContext().hadoopConfiguration());
        assertThat(staged).isEqualTo("s3a://mnist/data");

        ByteArrayOutputStream output = new ByteArrayOutputStream();
        SweepResult result = new Sweep(
                        spark,
                        SweepConfig.load(null, settings()),
                        new PrintStream(output, true, StandardCharsets.UTF_8))
                .run();
        String printed = output.toString(StandardCharsets.UTF_8);
        assertThat(result.count(TrialSummary.Outcome.TRAINED)).as(printed).isEqualTo(1);
        assertThat(printed).as("the secret key is never printed").doesNotContain(S3ProxyServer.CREDENTIAL);

        ResultsTable table = new ResultsTable(spark, "s3a://mnist/results");
        table.registerViews();
        Row row = spark.sql("SELECT dataset_location, model_path, test_accuracy_last, train_images, "
                        + "to_json(struct(*)) FROM trials WHERE experiment = 's3'")
                .collectAsList()
                .get(0);
        assertThat(row.getString(0)).isEqualTo("s3a://mnist/data");
        assertThat(row.getString(1)).startsWith("s3a://mnist/models/");
        FileSystem fs =
                new Path(row.getString(1)).getFileSystem(spark.sparkContext().hadoopConfiguration());
        assertThat(fs.exists(new Path(row.getString(1))))
                .as("the model is in S3")
                .isTrue();
        assertThat(row.getDouble(2))
                .as("it learned (chance is 0.1; 0.736-0.888 over seeds 1-8 measured)")
                .isGreaterThanOrEqualTo(0.6);
        assertThat(row.getLong(3)).isEqualTo(3000L);
        assertThat(row.getString(4))
                .as("the secret key is never in the results")
                .doesNotContain(S3ProxyServer.CREDENTIAL);
        assertThat(spark.sql("SELECT * FROM epochs WHERE experiment = 's3'").count())
                .isEqualTo(1);
    }

    /** Two whole sweeps, trained at the same time in one Spark application, commit into one s3a:// table. */
    @Test
    @Order(4)
    void twoSweepsAtOnceIntoTheSameS3TableKeepEveryRow() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<SweepResult>> sweeps = new ArrayList<>();
        for (String name : List.of("s3-parallel-a", "s3-parallel-b")) {
            sweeps.add(pool.submit(() -> new Sweep(
                            spark,
                            SweepConfig.load(
                                    null,
                                    settings(
                                            "experiment=" + name,
                                            "data.train-limit=1000",
                                            "data.test-limit=200",
                                            "model.hidden-channels=[3,4]",
                                            "output.models=\"\"")),
                            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
                    .run()));
        }
        for (Future<SweepResult> sweep : sweeps) {
            assertThat(sweep.get().count(TrialSummary.Outcome.TRAINED)).isEqualTo(2);
        }
        pool.shutdown();
        ResultsTable table = new ResultsTable(spark, "s3a://mnist/results");
        assertThat(table.committedTrialIds("s3-parallel-a")).hasSize(2);
        assertThat(table.committedTrialIds("s3-parallel-b")).hasSize(2);
        assertThat(table.epochs().where("experiment LIKE 's3-parallel-%'").count())
                .isEqualTo(4);
        assertThat(table.trials().where("experiment = 's3'").count())
                .as("earlier rows are untouched")
                .isEqualTo(1);
    }

    @Test
    @Order(2)
    void twoWritersAtOnceOnTheSameS3TableKeepEveryRow() throws Exception {
        Records.commitFromTwoWritersAtOnce(spark, "s3a://mnist/concurrent", "writer-", 4);
        ResultsTable table = new ResultsTable(spark, "s3a://mnist/concurrent");
        assertThat(table.trials().count()).isEqualTo(8);
        assertThat(table.epochs().count()).isEqualTo(16);
        assertThat(table.committedTrialIds("writer-a")).hasSize(4);
        assertThat(table.committedTrialIds("writer-b")).hasSize(4);
    }

    /**
     * Neither S3 key appears anywhere the job writes: its standard output and error (where its log
     * goes), Spark's event log, and every object it stored (both tables, the model, the claims). The job
     * runs as its own application through submit/local.sh, with the keys given as spark.hadoop settings.
     */
    @Test
    @Order(5)
    void theS3KeysAppearNowhereTheJobWrites() throws Exception {
        java.nio.file.Path eventLog = Files.createDirectories(WORK.resolve("event-log"));
        List<String> javaOpts = new ArrayList<>();
        server.sparkSettings().forEach((key, value) -> javaOpts.add("-D" + key + "=" + value));
        javaOpts.add("-Dspark.eventLog.enabled=true");
        javaOpts.add("-Dspark.eventLog.dir=" + eventLog.toUri());
        ProcessBuilder builder = new ProcessBuilder(
                        "submit/local.sh",
                        "--experiment",
                        "s3-secrets",
                        "--data",
                        "s3a://mnist/data",
                        "--train-limit",
                        "640",
                        "--test-limit",
                        "200",
                        "--hidden-channels",
                        "3",
                        "--epochs",
                        "1",
                        "--workers",
                        "2",
                        "--results",
                        "s3a://mnist/results",
                        "--models",
                        "s3a://mnist/models")
                .redirectOutput(WORK.resolve("secrets.out").toFile())
                .redirectError(WORK.resolve("secrets.err").toFile());
        builder.environment().put("JAVA_OPTS", String.join(" ", javaOpts));
        builder.environment().put("SPARK_MASTER", "local[2]");
        builder.environment().remove("SPARK_HOME");
        Process job = builder.start();
        assertThat(job.waitFor(10, java.util.concurrent.TimeUnit.MINUTES)).isTrue();
        String out = Files.readString(WORK.resolve("secrets.out"));
        assertThat(job.exitValue())
                .as(out + Files.readString(WORK.resolve("secrets.err")))
                .isZero();
        assertThat(out).contains("epoch 1/1 done");

        List<java.nio.file.Path> written =
                new ArrayList<>(List.of(WORK.resolve("secrets.out"), WORK.resolve("secrets.err")));
        try (java.util.stream.Stream<java.nio.file.Path> files = Files.walk(eventLog)) {
            written.addAll(files.filter(Files::isRegularFile).toList());
        }
        try (java.util.stream.Stream<java.nio.file.Path> files = Files.walk(WORK.resolve("server/blobs/mnist"))) {
            written.addAll(files.filter(Files::isRegularFile).toList());
        }
        assertThat(written)
                .as("the event log, the tables and the model were written")
                .anyMatch(f -> f.toString().contains("event-log"))
                .anyMatch(f -> f.toString().contains("results/trials/trial-"))
                .anyMatch(f -> f.toString().contains("results/epochs/trial-"))
                .anyMatch(f -> f.toString().contains("models/s3-secrets/")
                        && f.toString().endsWith(".zip"));
        for (java.nio.file.Path file : written) {
            String bytes = new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1);
            assertThat(bytes).as(file.toString()).doesNotContain(S3ProxyServer.CREDENTIAL, S3ProxyServer.IDENTITY);
        }
    }
}
