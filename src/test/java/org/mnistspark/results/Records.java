package org.mnistspark.results;

import org.mnistspark.config.TrialSpec;

import java.time.Instant;
import java.util.List;
import java.util.Map;

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
        TrialSpec spec = new TrialSpec(hidden, 5, 0.2, accuracy.size(), "sgd", 0.01, 0.5, 64, 5, 1L, 1.0);
        return new TrialRecord(experiment, trialId, runId, status, spec, 32, 2, 2, 21_840L, 60_000L, 10_000L, accuracy,
                Math.round(accuracy.get(accuracy.size() - 1) * 10_000), 0.1, 0.3, 42.5, 2800.0,
                Instant.parse("2026-11-21T08:00:00Z"), Instant.parse("2026-11-21T08:01:00Z"), "file:/data/mnist",
                Map.of("train-images-idx3-ubyte", "ba89"), 0.1307, 0.3081, modelPath, "local[2]", "0.1.0");
    }

    /**
     * Two writers (experiments "{prefix}a" and "{prefix}b"), each with its own ResultsTable on
     * {@code location}, commit {@code trialsEach} trials at the same time.
     */
    public static void commitFromTwoWritersAtOnce(org.apache.spark.sql.SparkSession spark, String location,
                                                  String prefix, int trialsEach) throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            List<java.util.concurrent.Future<?>> writers = new java.util.ArrayList<>();
            for (String writer : List.of("a", "b")) {
                writers.add(pool.submit(() -> {
                    ResultsTable table = new ResultsTable(spark, location);
                    for (int i = 0; i < trialsEach; i++) {
                        TrialRecord trial = trial(prefix + writer, writer + i, writer + "-run-" + i, i + 1,
                                List.of(0.9, 0.95));
                        table.commit(trial, epochs(trial), false);
                    }
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> writer : writers) {
                writer.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    public static List<EpochRecord> epochs(TrialRecord trial) {
        return java.util.stream.IntStream.range(0, trial.testAccuracy().size())
                .mapToObj(i -> new EpochRecord(trial.experiment(), trial.trialId(), trial.runId(), i + 1, 0.5 - i * 0.1,
                        0.2 - i * 0.05, trial.testAccuracy().get(i), Math.round(trial.testAccuracy().get(i) * 10_000),
                        10_000, 60_000, 20.0, 3000.0))
                .toList();
    }
}
