package org.mnistspark.results;

import org.apache.spark.sql.SparkSession;
import org.mnistspark.config.TrialSpec;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

/** Hand-made rows for table tests. */
public final class Records {
    private Records() {}

    public static TrialRecord trial(String experiment, String trialId, String runId, int hidden, List<Double> accuracy) {
        return trial(experiment, trialId, runId, hidden, accuracy, "file:/models/x.zip");
    }

    public static TrialRecord trial(String experiment, String trialId, String runId, int hidden, List<Double> accuracy,
                                    String modelPath) {
        return trial(experiment, trialId, runId, hidden, accuracy, modelPath, TrialRecord.SUCCEEDED);
    }

    public static TrialRecord trial(String experiment, String trialId, String runId, int hidden, List<Double> accuracy,
                                    String modelPath, String status) {
        return TrialRecord.builder()
                .experiment(experiment).trialId(trialId).runId(runId).status(status)
                .spec(new TrialSpec(hidden, 5, 0.2, accuracy.size(), "sgd", 0.01, 0.5, 64, 5, 1L, 1.0, "persistent", 2))
                .batchSizePerWorker(32).workerPrefetch(2).workers(2).parameters(21_840L)
                .trainImages(60_000L).testImages(10_000L).testAccuracy(accuracy)
                .testCorrectLast(Math.round(accuracy.get(accuracy.size() - 1) * 10_000))
                .testLossLast(0.1).trainLossLast(0.3).trainSeconds(42.5).imagesPerSecond(2800.0)
                .startedAt(Instant.parse("2026-11-21T08:00:00Z")).finishedAt(Instant.parse("2026-11-21T08:01:00Z"))
                .datasetLocation("file:/data/mnist").datasetSha256(Map.of("train-images-idx3-ubyte", "ba89"))
                .normalizationMean(0.1307).normalizationStd(0.3081).modelPath(modelPath)
                .sparkMaster("local[2]").appVersion("0.1.0")
                .build();
    }

    /** The same row, finished at another time: a later run of the trial. */
    /** Rung {@code rung} of tuning job {@code job}'s {@code configuration}, trained to {@code accuracy.size()} epochs. */
    public static TrialRecord rung(String job, int configuration, int rung, String status, List<Double> accuracy,
                                       int epochsTrained, String resumedFrom) {
        TrialRecord row = trial(job, "c" + configuration + "r" + rung, "run-c" + configuration + "r" + rung,
                8 * configuration, accuracy, "file:/models/c" + configuration + "r" + rung + ".zip", status);
        return TrialRecord.builder().experiment(row.experiment()).trialId(row.trialId()).runId(row.runId())
                .status(row.status()).spec(row.spec()).batchSizePerWorker(32).workerPrefetch(0).workers(2)
                .parameters(row.parameters()).trainImages(60_000).testImages(10_000).testAccuracy(accuracy)
                .testCorrectLast(row.testCorrectLast()).testLossLast(1 - accuracy.get(accuracy.size() - 1))
                .trainLossLast(0.2).trainSeconds(10.0 * epochsTrained).imagesPerSecond(3000)
                .startedAt(Instant.parse("2026-11-21T08:00:00Z").plusSeconds(60L * (configuration + 10 * rung)))
                .finishedAt(Instant.parse("2026-11-21T08:00:30Z").plusSeconds(60L * (configuration + 10 * rung)))
                .datasetLocation("file:/data/mnist").datasetSha256(row.datasetSha256())
                .normalizationMean(0.1307).normalizationStd(0.3081).modelPath(row.modelPath())
                .sparkMaster("local[2]").appVersion("test")
                .tuning(new TrialRecord.Tuning(job, configuration, rung, epochsTrained, resumedFrom)).build();
    }

    public static TrialRecord rerun(TrialRecord row, Instant finishedAt) {
        return new TrialRecord(row.experiment(), row.trialId(), row.runId(), row.status(), row.spec(),
                row.batchSizePerWorker(), row.workerPrefetch(), row.workers(), row.parameters(), row.trainImages(),
                row.testImages(), row.testAccuracy(), row.testCorrectLast(), row.testLossLast(), row.trainLossLast(),
                row.trainSeconds(), row.imagesPerSecond(), row.startedAt(), finishedAt, row.datasetLocation(),
                row.datasetSha256(), row.normalizationMean(), row.normalizationStd(), row.modelPath(),
                row.sparkMaster(), row.appVersion());
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
                        TrialRecord trial = trial(prefix + writer, writer + i, writer + "-run-" + i, i + 1,
                                List.of(0.9, 0.95));
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
        return IntStream.range(0, trial.testAccuracy().size())
                .mapToObj(i -> new EpochRecord(trial.experiment(), trial.trialId(), trial.runId(), i + 1, 0.5 - i * 0.1,
                        0.2 - i * 0.05, trial.testAccuracy().get(i), Math.round(trial.testAccuracy().get(i) * 10_000),
                        10_000, 60_000, 20.0, 3000.0, 15.0, 0.2, 0.1, confusion(trial.testAccuracy().get(i))))
                .toList();
    }
}
