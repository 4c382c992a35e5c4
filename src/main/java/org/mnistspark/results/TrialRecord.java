package org.mnistspark.results;

import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;
import static org.mnistspark.config.Hyperparameters.AVERAGING_FREQUENCY;
import static org.mnistspark.config.Hyperparameters.BATCH_SIZE;
import static org.mnistspark.config.Hyperparameters.DROPOUT;
import static org.mnistspark.config.Hyperparameters.ENGINE;
import static org.mnistspark.config.Hyperparameters.EPOCHS;
import static org.mnistspark.config.Hyperparameters.HIDDEN_CHANNELS;
import static org.mnistspark.config.Hyperparameters.KERNEL_SIZE;
import static org.mnistspark.config.Hyperparameters.LEARNING_RATE;
import static org.mnistspark.config.Hyperparameters.MOMENTUM;
import static org.mnistspark.config.Hyperparameters.OPTIMIZER;
import static org.mnistspark.config.Hyperparameters.SEED;
import static org.mnistspark.config.Hyperparameters.TRAIN_FRACTION;
import static org.mnistspark.config.Hyperparameters.WORKERS;
import static org.mnistspark.results.Columns.column;
import static org.mnistspark.results.Columns.nullable;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.mnistspark.config.Hyperparameter;
import org.mnistspark.config.Hyperparameters;
import org.mnistspark.config.TrialSpec;

/**
 * One row of the {@code trials} table: a trial run, from its parts. {@link Setup} and {@link Provenance} are
 * built once per job and shared by its rows; the run adds its id, hyperparameters, {@link Status} and
 * {@link Outcome}, and a tuning job's rung its {@link Tuning}. {@link #SCHEMA} is the table's schema.
 *
 * @param batchSizePerWorker each worker's minibatch, fixed by the configuration or derived from the trial's batch
 * @param tuning             null for a grid trial
 */
public record TrialRecord(
        String experiment,
        String trialId,
        String runId,
        Status status,
        TrialSpec spec,
        int batchSizePerWorker,
        Setup setup,
        Provenance provenance,
        Outcome outcome,
        Tuning tuning) {

    /**
     * What every trial of one job shares.
     *
     * @param workerPrefetch minibatches each worker loads ahead (training.worker-prefetch)
     * @param testImages     the test images every trial is evaluated on
     */
    public record Setup(int workerPrefetch, long testImages, double normalizationMean, double normalizationStd) {}

    /** Where a job's data and code came from. */
    public record Provenance(
            String datasetLocation, Map<String, String> datasetSha256, String sparkMaster, String appVersion) {
        public Provenance {
            Objects.requireNonNull(datasetLocation, "datasetLocation");
            datasetSha256 = Map.copyOf(datasetSha256);
            Objects.requireNonNull(sparkMaster, "sparkMaster");
            Objects.requireNonNull(appVersion, "appVersion");
        }
    }

    /**
     * What one run gave.
     *
     * @param parameters   the network's parameters
     * @param trainImages  images trained on in the last epoch
     * @param testAccuracy each epoch's, this run's and those of the runs it went on from
     * @param modelPath    the saved model; null when none was saved (a failed run)
     * @param isa          oneDNN's instruction set the workers trained with; null if unknown
     */
    public record Outcome(
            long parameters,
            long trainImages,
            List<Double> testAccuracy,
            long testCorrectLast,
            double testLossLast,
            double trainLossLast,
            double trainSeconds,
            double imagesPerSecond,
            Instant startedAt,
            Instant finishedAt,
            String modelPath,
            String isa) {
        public Outcome {
            testAccuracy = List.copyOf(testAccuracy);
            Objects.requireNonNull(startedAt, "startedAt");
            Objects.requireNonNull(finishedAt, "finishedAt");
        }

        /** A run that trained nothing it could keep: no model, no epochs, NaN losses. */
        public static Outcome failed(Instant startedAt, Instant finishedAt) {
            return new Outcome(
                    0,
                    0,
                    List.of(),
                    0,
                    Double.NaN,
                    Double.NaN,
                    Duration.between(startedAt, finishedAt).toMillis() / 1000.0,
                    0,
                    startedAt,
                    finishedAt,
                    null,
                    null);
        }

        public double testAccuracyMin() {
            return testAccuracy.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
        }

        public double testAccuracyMax() {
            return testAccuracy.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
        }

        public double testAccuracyAvg() {
            return testAccuracy.stream()
                    .mapToDouble(Double::doubleValue)
                    .average()
                    .orElse(Double.NaN);
        }

        public double testAccuracyLast() {
            return testAccuracy.isEmpty() ? Double.NaN : testAccuracy.get(testAccuracy.size() - 1);
        }
    }

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

        /** The same rung, having trained nothing (a failed run). */
        public Tuning untrained() {
            return new Tuning(job, configuration, rung, 0, resumedFrom);
        }
    }

    public TrialRecord {
        for (Object required : new Object[] {experiment, trialId, runId, status, spec, setup, provenance, outcome}) {
            Objects.requireNonNull(required, "a trial row needs every part but tuning");
        }
    }

    /** A run that failed: no model, no epochs; a later run of the job tries the trial again. */
    public static TrialRecord failed(
            String experiment,
            String trialId,
            String runId,
            TrialSpec spec,
            int batchSizePerWorker,
            Setup setup,
            Provenance provenance,
            Instant startedAt,
            Tuning tuning) {
        return new TrialRecord(
                experiment,
                trialId,
                runId,
                Status.FAILED,
                spec,
                batchSizePerWorker,
                setup,
                provenance,
                Outcome.failed(startedAt, Instant.now()),
                tuning == null ? null : tuning.untrained());
    }

    /**
     * The columns in the table's order, which never changes (ResultsSchemaCompatibilityTest): each
     * hyperparameter where it was first written, and one declared later appended (nullable, as older rows
     * have none).
     */
    static final Columns<TrialRecord> COLUMNS = new Columns<>(withNewHyperparameters(List.of(
            column("experiment", StringType, TrialRecord::experiment),
            column("trial_id", StringType, TrialRecord::trialId),
            column("run_id", StringType, TrialRecord::runId),
            column("status", StringType, r -> r.status().value()),
            hyperparameter(HIDDEN_CHANNELS, false),
            hyperparameter(KERNEL_SIZE, false),
            hyperparameter(DROPOUT, false),
            hyperparameter(EPOCHS, false),
            hyperparameter(OPTIMIZER, false),
            hyperparameter(LEARNING_RATE, false),
            hyperparameter(MOMENTUM, false),
            hyperparameter(BATCH_SIZE, false),
            column("batch_size_per_worker", IntegerType, TrialRecord::batchSizePerWorker),
            hyperparameter(AVERAGING_FREQUENCY, false),
            // 0: none, or not used (only the dl4j engine's workers load minibatches ahead)
            column(
                    "worker_prefetch",
                    IntegerType,
                    r -> r.spec().engine().usesWorkerPrefetch() ? r.setup().workerPrefetch() : 0),
            hyperparameter(SEED, false),
            hyperparameter(TRAIN_FRACTION, false),
            hyperparameter(WORKERS, false),
            column("parameters", LongType, r -> r.outcome().parameters()),
            column("train_images", LongType, r -> r.outcome().trainImages()),
            column("test_images", LongType, r -> r.setup().testImages()),
            column(
                    "test_accuracy",
                    DataTypes.createArrayType(DoubleType, false),
                    r -> r.outcome().testAccuracy()),
            column("test_accuracy_min", DoubleType, r -> r.outcome().testAccuracyMin()),
            column("test_accuracy_max", DoubleType, r -> r.outcome().testAccuracyMax()),
            column("test_accuracy_avg", DoubleType, r -> r.outcome().testAccuracyAvg()),
            column("test_accuracy_last", DoubleType, r -> r.outcome().testAccuracyLast()),
            column("test_correct_last", LongType, r -> r.outcome().testCorrectLast()),
            column("test_loss_last", DoubleType, r -> r.outcome().testLossLast()),
            column("train_loss_last", DoubleType, r -> r.outcome().trainLossLast()),
            column("train_seconds", DoubleType, r -> r.outcome().trainSeconds()),
            column("images_per_second", DoubleType, r -> r.outcome().imagesPerSecond()),
            column("started_at", TimestampType, r -> Timestamp.from(r.outcome().startedAt())),
            column("finished_at", TimestampType, r -> Timestamp.from(r.outcome().finishedAt())),
            column("dataset_location", StringType, r -> r.provenance().datasetLocation()),
            column(
                    "dataset_sha256",
                    DataTypes.createMapType(StringType, StringType, false),
                    r -> r.provenance().datasetSha256()),
            column("normalization_mean", DoubleType, r -> r.setup().normalizationMean()),
            column("normalization_std", DoubleType, r -> r.setup().normalizationStd()),
            nullable("model_path", StringType, r -> r.outcome().modelPath()),
            column("spark_master", StringType, r -> r.provenance().sparkMaster()),
            column("app_version", StringType, r -> r.provenance().appVersion()),
            // Rows of version 1 have none: ResultsTable reads them as dl4j, the only engine then.
            hyperparameter(ENGINE, true),
            // A tuning job's rungs are rows of this table, with these columns (null for grid trials), rather
            // than a table of their own: a rung is a trial run like any other (hyperparameters, setup, results,
            // a model, its epochs' rows with their confusion matrices) and is committed by the same protocol,
            // so claims, the views, vacuum and every query of trials (predict's best:<experiment> included)
            // work on it unchanged, and the schema only grows. ResultsTable.rungs() is the rungs' view.
            nullable(
                    "tuning_job",
                    StringType,
                    r -> r.tuning() == null ? null : r.tuning().job()),
            nullable(
                    "configuration",
                    IntegerType,
                    r -> r.tuning() == null ? null : r.tuning().configuration()),
            nullable(
                    "rung",
                    IntegerType,
                    r -> r.tuning() == null ? null : r.tuning().rung()),
            nullable(
                    "epochs_trained",
                    IntegerType,
                    r -> r.tuning() == null ? null : r.tuning().epochsTrained()),
            nullable(
                    "resumed_from",
                    StringType,
                    r -> r.tuning() == null ? null : r.tuning().resumedFrom()),
            // oneDNN's instruction set the workers trained with (CpuIsa; comma-separated if executors' CPUs
            // chose differently): a trial's figures are bit-identical run to run for one value, and may differ
            // in the last digits between values. Null for rows written before it was recorded.
            nullable("isa", StringType, r -> r.outcome().isa()))));

    public static final StructType SCHEMA = COLUMNS.schema();

    /** A hyperparameter's column: its declared name and type, its value from the row's spec. */
    private static <T> Columns.Column<TrialRecord> hyperparameter(Hyperparameter<T> h, boolean nullable) {
        return new Columns.Column<>(
                h.column(),
                Columns.sparkType(h.valueType()),
                nullable,
                r -> h.columnValue(r.spec().get(h)));
    }

    /** The columns given, then one per hyperparameter not among them: those declared after this list was written. */
    private static List<Columns.Column<TrialRecord>> withNewHyperparameters(List<Columns.Column<TrialRecord>> columns) {
        List<Columns.Column<TrialRecord>> all = new ArrayList<>(columns);
        List<String> names = columns.stream().map(Columns.Column::name).toList();
        Hyperparameters.ALL.stream()
                .filter(h -> !names.contains(h.column()))
                .forEach(h -> all.add(hyperparameter(h, true)));
        return all;
    }
}
