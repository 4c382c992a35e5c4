package org.mnistspark.results;

import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.mnistspark.config.TrialSpec;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One row of the {@code trials} table: a finished trial, its hyperparameters, setup and results.
 * {@link #SCHEMA} is the table's schema; columns are only ever added (see ResultsSchemaCompatibilityTest).
 */
public record TrialRecord(
        String experiment,
        String trialId,
        String runId,
        String status,
        TrialSpec spec,
        int batchSizePerWorker,
        int workerPrefetch,
        int workers,
        long parameters,
        long trainImages,
        long testImages,
        List<Double> testAccuracy,
        long testCorrectLast,
        double testLossLast,
        double trainLossLast,
        double trainSeconds,
        double imagesPerSecond,
        Instant startedAt,
        Instant finishedAt,
        String datasetLocation,
        Map<String, String> datasetSha256,
        double normalizationMean,
        double normalizationStd,
        String modelPath,
        String sparkMaster,
        String appVersion) {

    /** A trial whose losses stayed finite. */
    public static final String SUCCEEDED = "succeeded";
    /** A trial that finished but whose loss became NaN or infinite. */
    public static final String DIVERGED = "diverged";

    public double testAccuracyMin() {
        return testAccuracy.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    public double testAccuracyMax() {
        return testAccuracy.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    public double testAccuracyAvg() {
        return testAccuracy.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    public double testAccuracyLast() {
        return testAccuracy.isEmpty() ? Double.NaN : testAccuracy.get(testAccuracy.size() - 1);
    }

    private record Column(String name, DataType type, boolean nullable, Function<TrialRecord, Object> value) {}

    private static Column column(String name, DataType type, Function<TrialRecord, Object> value) {
        return new Column(name, type, false, value);
    }

    private static final List<Column> COLUMNS = List.of(
            column("experiment", DataTypes.StringType, TrialRecord::experiment),
            column("trial_id", DataTypes.StringType, TrialRecord::trialId),
            column("run_id", DataTypes.StringType, TrialRecord::runId),
            column("status", DataTypes.StringType, TrialRecord::status),
            column("hidden_channels", DataTypes.IntegerType, r -> r.spec().hiddenChannels()),
            column("kernel_size", DataTypes.IntegerType, r -> r.spec().kernelSize()),
            column("dropout", DataTypes.DoubleType, r -> r.spec().dropout()),
            column("epochs", DataTypes.IntegerType, r -> r.spec().epochs()),
            column("optimizer", DataTypes.StringType, r -> r.spec().optimizer()),
            column("learning_rate", DataTypes.DoubleType, r -> r.spec().learningRate()),
            column("momentum", DataTypes.DoubleType, r -> r.spec().momentum()),
            column("batch_size", DataTypes.IntegerType, r -> r.spec().batchSize()),
            column("batch_size_per_worker", DataTypes.IntegerType, TrialRecord::batchSizePerWorker),
            column("averaging_frequency", DataTypes.IntegerType, r -> r.spec().averagingFrequency()),
            column("worker_prefetch", DataTypes.IntegerType, TrialRecord::workerPrefetch),
            column("seed", DataTypes.LongType, r -> r.spec().seed()),
            column("train_fraction", DataTypes.DoubleType, r -> r.spec().trainFraction()),
            column("workers", DataTypes.IntegerType, TrialRecord::workers),
            column("parameters", DataTypes.LongType, TrialRecord::parameters),
            column("train_images", DataTypes.LongType, TrialRecord::trainImages),
            column("test_images", DataTypes.LongType, TrialRecord::testImages),
            column("test_accuracy", DataTypes.createArrayType(DataTypes.DoubleType, false),
                    TrialRecord::testAccuracy),
            column("test_accuracy_min", DataTypes.DoubleType, TrialRecord::testAccuracyMin),
            column("test_accuracy_max", DataTypes.DoubleType, TrialRecord::testAccuracyMax),
            column("test_accuracy_avg", DataTypes.DoubleType, TrialRecord::testAccuracyAvg),
            column("test_accuracy_last", DataTypes.DoubleType, TrialRecord::testAccuracyLast),
            column("test_correct_last", DataTypes.LongType, TrialRecord::testCorrectLast),
            column("test_loss_last", DataTypes.DoubleType, TrialRecord::testLossLast),
            column("train_loss_last", DataTypes.DoubleType, TrialRecord::trainLossLast),
            column("train_seconds", DataTypes.DoubleType, TrialRecord::trainSeconds),
            column("images_per_second", DataTypes.DoubleType, TrialRecord::imagesPerSecond),
            column("started_at", DataTypes.TimestampType, r -> Timestamp.from(r.startedAt())),
            column("finished_at", DataTypes.TimestampType, r -> Timestamp.from(r.finishedAt())),
            column("dataset_location", DataTypes.StringType, TrialRecord::datasetLocation),
            column("dataset_sha256", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType, false),
                    TrialRecord::datasetSha256),
            column("normalization_mean", DataTypes.DoubleType, TrialRecord::normalizationMean),
            column("normalization_std", DataTypes.DoubleType, TrialRecord::normalizationStd),
            new Column("model_path", DataTypes.StringType, true, TrialRecord::modelPath),
            column("spark_master", DataTypes.StringType, TrialRecord::sparkMaster),
            column("app_version", DataTypes.StringType, TrialRecord::appVersion));

    public static final StructType SCHEMA = new StructType(COLUMNS.stream()
            .map(c -> new StructField(c.name(), c.type(), c.nullable(), org.apache.spark.sql.types.Metadata.empty()))
            .toArray(StructField[]::new));

    /** The values in {@link #SCHEMA}'s order. */
    Object[] values() {
        return COLUMNS.stream().map(c -> c.value().apply(this)).toArray();
    }
}
