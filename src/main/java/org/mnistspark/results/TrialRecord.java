package org.mnistspark.results;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.mnistspark.config.TrialSpec;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;
import static org.mnistspark.results.Columns.column;
import static org.mnistspark.results.Columns.nullable;

/**
 * One row of the {@code trials} table: a finished trial, its hyperparameters, setup and results.
 * Built with {@link #builder()}, field by name. {@link #SCHEMA} is the table's schema.
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
        String appVersion,
        Tuning tuning,
        String isa) {

    /** A trial whose losses stayed finite (a tuning job's rung: trained to max-epochs). */
    public static final String SUCCEEDED = Status.SUCCEEDED.value();
    /** A trial that finished but whose loss became NaN or infinite. */
    public static final String DIVERGED = Status.DIVERGED.value();
    /**
     * A tuning job's rung below max-epochs: this run stopped at its rung's epochs. If the job promotes the
     * configuration, the next rung's row goes on from this row's model ({@link Tuning#resumedFrom()}).
     */
    public static final String STOPPED = Status.STOPPED.value();
    /** A tuning job's rung whose training or saving failed: no model, no epoch rows; a later run of the job retries it. */
    public static final String FAILED = Status.FAILED.value();

    /**
     * What a tuning job's row adds; null for a grid trial.
     *
     * @param job           the tuning job (its experiment)
     * @param configuration the configuration's number in the job's seeded proposals, from 1
     * @param rung          the rung, from 0; the row's {@code epochs} are the rung's
     * @param epochsTrained the epochs this run trained: the rung's epochs less the previous rung's
     * @param resumedFrom   the run of the previous rung whose saved model (with its updater state) this run
     *                      went on from; null for rung 0
     */
    public record Tuning(String job, int configuration, int rung, int epochsTrained, String resumedFrom) {
        public Tuning {
            Objects.requireNonNull(job, "a tuning row names its job");
        }
    }

    /** A row without tuning columns: a grid trial (the constructor of the rows before tuning existed). */
    public TrialRecord(String experiment, String trialId, String runId, String status, TrialSpec spec,
                       int batchSizePerWorker, int workerPrefetch, int workers, long parameters, long trainImages,
                       long testImages, List<Double> testAccuracy, long testCorrectLast, double testLossLast,
                       double trainLossLast, double trainSeconds, double imagesPerSecond, Instant startedAt,
                       Instant finishedAt, String datasetLocation, Map<String, String> datasetSha256,
                       double normalizationMean, double normalizationStd, String modelPath, String sparkMaster,
                       String appVersion) {
        this(experiment, trialId, runId, status, spec, batchSizePerWorker, workerPrefetch, workers, parameters,
                trainImages, testImages, testAccuracy, testCorrectLast, testLossLast, trainLossLast, trainSeconds,
                imagesPerSecond, startedAt, finishedAt, datasetLocation, datasetSha256, normalizationMean,
                normalizationStd, modelPath, sparkMaster, appVersion, null, null);
    }

    public TrialRecord {
        for (Object required : new Object[] {experiment, trialId, runId, status, spec, testAccuracy, startedAt,
                finishedAt, datasetLocation, datasetSha256, sparkMaster, appVersion}) {
            Objects.requireNonNull(required, "a trial row needs every field but model_path");
        }
        testAccuracy = List.copyOf(testAccuracy);
    }

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

    static final Columns<TrialRecord> COLUMNS = new Columns<>(
            column("experiment", StringType, TrialRecord::experiment),
            column("trial_id", StringType, TrialRecord::trialId),
            column("run_id", StringType, TrialRecord::runId),
            column("status", StringType, TrialRecord::status),
            column("hidden_channels", IntegerType, r -> r.spec().hiddenChannels()),
            column("kernel_size", IntegerType, r -> r.spec().kernelSize()),
            column("dropout", DoubleType, r -> r.spec().dropout()),
            column("epochs", IntegerType, r -> r.spec().epochs()),
            column("optimizer", StringType, r -> r.spec().optimizer()),
            column("learning_rate", DoubleType, r -> r.spec().learningRate()),
            column("momentum", DoubleType, r -> r.spec().momentum()),
            column("batch_size", IntegerType, r -> r.spec().batchSize()),
            column("batch_size_per_worker", IntegerType, TrialRecord::batchSizePerWorker),
            column("averaging_frequency", IntegerType, r -> r.spec().averagingFrequency()),
            column("worker_prefetch", IntegerType, TrialRecord::workerPrefetch),
            column("seed", LongType, r -> r.spec().seed()),
            column("train_fraction", DoubleType, r -> r.spec().trainFraction()),
            column("workers", IntegerType, TrialRecord::workers),
            column("parameters", LongType, TrialRecord::parameters),
            column("train_images", LongType, TrialRecord::trainImages),
            column("test_images", LongType, TrialRecord::testImages),
            column("test_accuracy", DataTypes.createArrayType(DoubleType, false), TrialRecord::testAccuracy),
            column("test_accuracy_min", DoubleType, TrialRecord::testAccuracyMin),
            column("test_accuracy_max", DoubleType, TrialRecord::testAccuracyMax),
            column("test_accuracy_avg", DoubleType, TrialRecord::testAccuracyAvg),
            column("test_accuracy_last", DoubleType, TrialRecord::testAccuracyLast),
            column("test_correct_last", LongType, TrialRecord::testCorrectLast),
            column("test_loss_last", DoubleType, TrialRecord::testLossLast),
            column("train_loss_last", DoubleType, TrialRecord::trainLossLast),
            column("train_seconds", DoubleType, TrialRecord::trainSeconds),
            column("images_per_second", DoubleType, TrialRecord::imagesPerSecond),
            column("started_at", TimestampType, r -> Timestamp.from(r.startedAt())),
            column("finished_at", TimestampType, r -> Timestamp.from(r.finishedAt())),
            column("dataset_location", StringType, TrialRecord::datasetLocation),
            column("dataset_sha256", DataTypes.createMapType(StringType, StringType, false),
                    TrialRecord::datasetSha256),
            column("normalization_mean", DoubleType, TrialRecord::normalizationMean),
            column("normalization_std", DoubleType, TrialRecord::normalizationStd),
            nullable("model_path", StringType, TrialRecord::modelPath),
            column("spark_master", StringType, TrialRecord::sparkMaster),
            column("app_version", StringType, TrialRecord::appVersion),
            // Rows of version 1 have none: ResultsTable reads them as dl4j, the only engine then.
            nullable("engine", StringType, r -> r.spec().engine()),
            // A tuning job's rungs are rows of this table, with these columns (null for grid trials), rather
            // than a table of their own: a rung is a trial run like any other (hyperparameters, setup, results,
            // a model, its epochs' rows with their confusion matrices) and is committed by the same protocol,
            // so claims, the views, vacuum and every query of trials (predict's best:<experiment> included)
            // work on it unchanged, and the schema only grows. ResultsTable.rungs() is the rungs' view.
            nullable("tuning_job", StringType, r -> r.tuning() == null ? null : r.tuning().job()),
            nullable("configuration", IntegerType, r -> r.tuning() == null ? null : r.tuning().configuration()),
            nullable("rung", IntegerType, r -> r.tuning() == null ? null : r.tuning().rung()),
            nullable("epochs_trained", IntegerType, r -> r.tuning() == null ? null : r.tuning().epochsTrained()),
            nullable("resumed_from", StringType, r -> r.tuning() == null ? null : r.tuning().resumedFrom()),
            // oneDNN's instruction set the workers trained with (CpuIsa; comma-separated if executors' CPUs
            // chose differently): a trial's figures are bit-identical run to run for one value, and may differ
            // in the last digits between values. Null for rows written before it was recorded.
            nullable("isa", StringType, TrialRecord::isa));

    public static final StructType SCHEMA = COLUMNS.schema();

    public static Builder builder() {
        return new Builder();
    }

    /** Sets each field by name; {@link #build()} checks that none but the model path, tuning and isa is missing. */
    public static final class Builder {
        private String experiment;
        private String trialId;
        private String runId;
        private String status;
        private TrialSpec spec;
        private int batchSizePerWorker;
        private int workerPrefetch;
        private int workers;
        private long parameters;
        private long trainImages;
        private long testImages;
        private List<Double> testAccuracy;
        private long testCorrectLast;
        private double testLossLast;
        private double trainLossLast;
        private double trainSeconds;
        private double imagesPerSecond;
        private Instant startedAt;
        private Instant finishedAt;
        private String datasetLocation;
        private Map<String, String> datasetSha256;
        private double normalizationMean;
        private double normalizationStd;
        private String modelPath;
        private String sparkMaster;
        private String appVersion;
        private Tuning tuning;
        private String isa;

        private Builder() {}

        public Builder experiment(String v) { experiment = v; return this; }
        public Builder trialId(String v) { trialId = v; return this; }
        public Builder runId(String v) { runId = v; return this; }
        public Builder status(String v) { status = v; return this; }
        public Builder spec(TrialSpec v) { spec = v; return this; }
        public Builder batchSizePerWorker(int v) { batchSizePerWorker = v; return this; }
        public Builder workerPrefetch(int v) { workerPrefetch = v; return this; }
        public Builder workers(int v) { workers = v; return this; }
        public Builder parameters(long v) { parameters = v; return this; }
        public Builder trainImages(long v) { trainImages = v; return this; }
        public Builder testImages(long v) { testImages = v; return this; }
        public Builder testAccuracy(List<Double> v) { testAccuracy = v; return this; }
        public Builder testCorrectLast(long v) { testCorrectLast = v; return this; }
        public Builder testLossLast(double v) { testLossLast = v; return this; }
        public Builder trainLossLast(double v) { trainLossLast = v; return this; }
        public Builder trainSeconds(double v) { trainSeconds = v; return this; }
        public Builder imagesPerSecond(double v) { imagesPerSecond = v; return this; }
        public Builder startedAt(Instant v) { startedAt = v; return this; }
        public Builder finishedAt(Instant v) { finishedAt = v; return this; }
        public Builder datasetLocation(String v) { datasetLocation = v; return this; }
        public Builder datasetSha256(Map<String, String> v) { datasetSha256 = v; return this; }
        public Builder normalizationMean(double v) { normalizationMean = v; return this; }
        public Builder normalizationStd(double v) { normalizationStd = v; return this; }
        public Builder modelPath(String v) { modelPath = v; return this; }
        public Builder sparkMaster(String v) { sparkMaster = v; return this; }
        public Builder appVersion(String v) { appVersion = v; return this; }
        public Builder tuning(Tuning v) { tuning = v; return this; }
        public Builder isa(String v) { isa = v; return this; }

        public TrialRecord build() {
            return new TrialRecord(experiment, trialId, runId, status, spec, batchSizePerWorker, workerPrefetch,
                    workers, parameters, trainImages, testImages, testAccuracy, testCorrectLast, testLossLast,
                    trainLossLast, trainSeconds, imagesPerSecond, startedAt, finishedAt, datasetLocation,
                    datasetSha256, normalizationMean, normalizationStd, modelPath, sparkMaster, appVersion, tuning, isa);
        }
    }
}
