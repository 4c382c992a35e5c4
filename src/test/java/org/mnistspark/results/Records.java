package org.mnistspark.results;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.apache.spark.sql.SparkSession;
import org.mnistspark.config.Hyperparameters;
import org.mnistspark.config.TrialSpec;

/** Hand-made rows for table tests. */
public final class Records {
    private Records() {}

    public static TrialRecord trial(
            String experiment, String trialId, String runId, int hidden, List<Double> accuracy) {
        return trial(experiment, trialId, runId, hidden, accuracy, "file:/models/x.zip");
    }

    public static TrialRecord trial(
            String experiment, String trialId, String runId, int hidden, List<Double> accuracy, String modelPath) {
        return trial(experiment, trialId, runId, hidden, accuracy, modelPath, Status.SUCCEEDED);
    }

    /** A spec of the default grid with {@code hidden} channels trained {@code epochs}, averaging every 5 minibatches. */
    public static TrialSpec spec(int hidden, int epochs) {
        return TrialSpec.defaults()
                .with(Hyperparameters.HIDDEN_CHANNELS, hidden)
                .with(Hyperparameters.EPOCHS, epochs)
                .with(Hyperparameters.AVERAGING_FREQUENCY, 5);
    }

    public static final TrialRecord.Setup SETUP = new TrialRecord.Setup(2, 10_000L, 0.1307, 0.3081);
    public static final TrialRecord.Provenance PROVENANCE = new TrialRecord.Provenance(
            "file:/data/mnist", Map.of("train-images-idx3-ubyte", "ba89"), "local[2]", "0.1.0");

    public static TrialRecord trial(
            String experiment,
            String trialId,
            String runId,
            int hidden,
            List<Double> accuracy,
            String modelPath,
            Status status) {
        TrialRecord.Outcome outcome = outcome(accuracy, Instant.parse("2026-11-21T08:01:00Z"), modelPath);
        return new TrialRecord(
                experiment,
                trialId,
                runId,
                status,
                spec(hidden, accuracy.size()),
                32,
                SETUP,
                PROVENANCE,
                outcome,
                null);
    }

    /** A run of a minute that ended at {@code finishedAt} with {@code accuracy} after each epoch. */
    public static TrialRecord.Outcome outcome(List<Double> accuracy, Instant finishedAt, String modelPath) {
        return new TrialRecord.Outcome(
                21_840L,
                60_000L,
                accuracy,
                Math.round(accuracy.get(accuracy.size() - 1) * 10_000),
                0.1,
                0.3,
                42.5,
                2800.0,
                finishedAt.minusSeconds(60),
                finishedAt,
                modelPath,
                null);
    }

    /** Rung {@code rung} of tuning job {@code job}'s {@code configuration}, trained to {@code accuracy.size()} epochs. */
    public static TrialRecord rung(
            String job,
            int configuration,
            int rung,
            Status status,
            List<Double> accuracy,
            int epochsTrained,
            String resumedFrom) {
        String name = "c" + configuration + "r" + rung;
        Instant started = Instant.parse("2026-11-21T08:00:00Z").plusSeconds(60L * (configuration + 10 * rung));
        TrialRecord.Outcome outcome = new TrialRecord.Outcome(
                21_840L,
                60_000L,
                accuracy,
                Math.round(accuracy.get(accuracy.size() - 1) * 10_000),
                1 - accuracy.get(accuracy.size() - 1),
                0.2,
                10.0 * epochsTrained,
                3000,
                started,
                started.plusSeconds(30),
                "file:/models/" + name + ".zip",
                null);
        return new TrialRecord(
                job,
                name,
                "run-" + name,
                status,
                spec(8 * configuration, accuracy.size()),
                32,
                new TrialRecord.Setup(0, 10_000L, 0.1307, 0.3081),
                new TrialRecord.Provenance("file:/data/mnist", PROVENANCE.datasetSha256(), "local[2]", "test"),
                outcome,
                new TrialRecord.Tuning(job, configuration, rung, epochsTrained, resumedFrom));
    }

    public static TrialRecord rerun(TrialRecord row, Instant finishedAt) {
        TrialRecord.Outcome o = row.outcome();
        return new TrialRecord(
                row.experiment(),
                row.trialId(),
                row.runId(),
                row.status(),
                row.spec(),
                row.batchSizePerWorker(),
                row.setup(),
                row.provenance(),
                new TrialRecord.Outcome(
                        o.parameters(),
                        o.trainImages(),
                        o.testAccuracy(),
                        o.testCorrectLast(),
                        o.testLossLast(),
                        o.trainLossLast(),
                        o.trainSeconds(),
                        o.imagesPerSecond(),
                        o.startedAt(),
                        finishedAt,
                        o.modelPath(),
                        o.isa()),
                row.tuning());
    }

    /**
     * Two writers (experiments "{prefix}a" and "{prefix}b"), each with its own ResultsTable on
     * {@code location}, commit {@code trialsEach} trials at the same time.
     */
    public static void commitFromTwoWritersAtOnce(SparkSession spark, String location, String prefix, int trialsEach)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> writers = new ArrayList<>();
            for (String writer : List.of("a", "b")) {
                writers.add(pool.submit(() -> {
                    ResultsTable table = new ResultsTable(spark, location);
                    for (int i = 0; i < trialsEach; i++) {
                        TrialRecord trial =
                                trial(prefix + writer, writer + i, writer + "-run-" + i, i + 1, List.of(0.9, 0.95));
                        table.commit(trial, epochs(trial));
                    }
                    return null;
                }));
            }
            for (Future<?> writer : writers) {
                writer.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    /**
     * A confusion matrix of 10,000 test images, 1,000 per label, with {@code accuracy} of them right:
     * each label's misses all predicted as the next label.
     */
    public static long[][] confusion(double accuracy) {
        long[][] matrix = new long[10][10];
        long wrong = Math.round((1 - accuracy) * 1000);
        for (int label = 0; label < 10; label++) {
            matrix[label][label] = 1000 - wrong;
            matrix[label][(label + 1) % 10] = wrong;
        }
        return matrix;
    }

    public static List<EpochRecord> epochs(TrialRecord trial) {
        List<Double> accuracy = trial.outcome().testAccuracy();
        return IntStream.range(0, accuracy.size())
                .mapToObj(i -> new EpochRecord(
                        trial.experiment(),
                        trial.trialId(),
                        trial.runId(),
                        i + 1,
                        0.5 - i * 0.1,
                        0.2 - i * 0.05,
                        accuracy.get(i),
                        Math.round(accuracy.get(i) * 10_000),
                        10_000,
                        60_000,
                        20.0,
                        3000.0,
                        15.0,
                        0.2,
                        0.1,
                        confusion(accuracy.get(i))))
                .toList();
    }
}
