package org.mnistspark.storage;

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

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;


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
                "experiment=s3", "data.dir=\"s3a://mnist/data\"", "data.train-limit=3000", "data.test-limit=500",
                "data.workers=2", "model.hidden-channels=[5]",
                "training.epochs=1", "training.learning-rate=0.05", "training.momentum=0.9",
                "output.results=\"s3a://mnist/results\"", "output.models=\"s3a://mnist/models\""));
        settings.addAll(List.of(extra));
        return settings;
    }

    @Test
    @Order(1)
    void stagedMnistTrainsAndTheTableReadsBackFromS3() throws Exception {
        String staged = MnistStaging.stage(TestSpark.mnistDir().toString(), "s3a://mnist/data",
                spark.sparkContext().hadoopConfiguration());
        assertThat(staged).isEqualTo("s3a://mnist/data");

        ByteArrayOutputStream output = new ByteArrayOutputStream();
        SweepResult result = new Sweep(spark, SweepConfig.load(null, settings()),
                new PrintStream(output, true, StandardCharsets.UTF_8)).run();
        String printed = output.toString(StandardCharsets.UTF_8);
        assertThat(result.count(TrialSummary.Outcome.TRAINED)).as(printed).isEqualTo(1);
        assertThat(printed).as("the secret key is never printed").doesNotContain(S3ProxyServer.CREDENTIAL);

        ResultsTable table = new ResultsTable(spark, "s3a://mnist/results");
        table.registerViews();
        Row row = spark.sql("SELECT dataset_location, model_path, test_accuracy_last, train_images, "
                + "to_json(struct(*)) FROM trials WHERE experiment = 's3'").collectAsList().get(0);
        assertThat(row.getString(0)).isEqualTo("s3a://mnist/data");
        assertThat(row.getString(1)).startsWith("s3a://mnist/models/");
        FileSystem fs = new Path(row.getString(1)).getFileSystem(spark.sparkContext().hadoopConfiguration());
        assertThat(fs.exists(new Path(row.getString(1)))).as("the model is in S3").isTrue();
        assertThat(row.getDouble(2)).as("it learned (chance is 0.1; 0.79-0.86 measured)").isGreaterThanOrEqualTo(0.6);
        assertThat(row.getLong(3)).isEqualTo(3000L);
        assertThat(row.getString(4)).as("the secret key is never in the results").doesNotContain(S3ProxyServer.CREDENTIAL);
        assertThat(spark.sql("SELECT * FROM epochs WHERE experiment = 's3'").count()).isEqualTo(1);
    }

    /** Two whole sweeps, trained at the same time in one Spark application, commit into one s3a:// table. */
    @Test
    @Order(4)
    void twoSweepsAtOnceIntoTheSameS3TableKeepEveryRow() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<SweepResult>> sweeps = new ArrayList<>();
        for (String name : List.of("s3-parallel-a", "s3-parallel-b")) {
            sweeps.add(pool.submit(() -> new Sweep(spark, SweepConfig.load(null, settings("experiment=" + name,
                    "data.train-limit=1000", "data.test-limit=200", "model.hidden-channels=[3,4]", "output.models=\"\"")),
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)).run()));
        }
        for (Future<SweepResult> sweep : sweeps) {
            assertThat(sweep.get().count(TrialSummary.Outcome.TRAINED)).isEqualTo(2);
        }
        pool.shutdown();
        ResultsTable table = new ResultsTable(spark, "s3a://mnist/results");
        assertThat(table.committedTrialIds("s3-parallel-a")).hasSize(2);
        assertThat(table.committedTrialIds("s3-parallel-b")).hasSize(2);
        assertThat(table.epochs().where("experiment LIKE 's3-parallel-%'").count()).isEqualTo(4);
        assertThat(table.trials().where("experiment = 's3'").count()).as("earlier rows are untouched").isEqualTo(1);
    }

    /**
     * The S3 server stopped right as a trial finishes training, when its model and rows are written:
     * the trial is then either wholly in the table or absent, and rows already there are untouched.
     */
    @Test
    @Order(3)
    void s3StoppedDuringTheWritesLeavesNoPartialRows() throws Exception {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(output, true, StandardCharsets.UTF_8);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        Future<SweepResult> sweep = pool.submit(() -> new Sweep(spark,
                SweepConfig.load(null, settings("experiment=s3-fault")), print).run());
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(5);
        while (!output.toString(StandardCharsets.UTF_8).contains("epoch 1/1 done") && !sweep.isDone()
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(sweep.isDone()).as("the server must stop while the trial still writes: " + output).isFalse();
        server.stop();
        String outcome;
        try {
            SweepResult result = sweep.get(10, java.util.concurrent.TimeUnit.MINUTES);
            outcome = result.trials().get(0).outcome().toString();
        } catch (java.util.concurrent.ExecutionException e) {
            outcome = "job failed: " + e.getCause();
        } finally {
            pool.shutdown();
            server.start(); // same folder: what was stored before is still there
        }
        System.out.println("[S3 stopped] trial outcome " + outcome + "\n" + output.toString(StandardCharsets.UTF_8));

        ResultsTable table = new ResultsTable(spark, "s3a://mnist/results");
        long trials = table.trials().where("experiment = 's3-fault'").count();
        long epochs = table.allEpochRows().where("experiment = 's3-fault'").count(); // committed or not
        if (outcome.equals("TRAINED")) {
            assertThat(trials).isEqualTo(1);
            assertThat(epochs).isEqualTo(1);
        } else {
            assertThat(trials).as(outcome).isZero();
            assertThat(epochs).as(outcome).isZero();
        }
        assertThat(table.trials().where("experiment = 's3'").count()).as("earlier rows are untouched").isEqualTo(1);
        assertThat(new ResultsTable(spark, "s3a://mnist/concurrent").trials().count()).isEqualTo(8);
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
}
