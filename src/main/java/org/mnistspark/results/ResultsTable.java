package org.mnistspark.results;

import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.mnistspark.config.TrainingEngine;
import org.mnistspark.storage.Storage;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.apache.spark.sql.functions.col;

/**
 * The results table: a folder (any Hadoop path) holding two Parquet tables, {@code trials/} (one row
 * per trial run) and {@code epochs/} (one row per trial run and epoch), read through views.
 *
 * <p>Each trial run is committed as one Parquet file per table: written by Spark into a private
 * {@code _staging/<run>/} folder (hidden from readers by its leading underscore), then each file is
 * renamed into place, the epochs file first and the trials file last: that rename is the commit point.
 * So a run's rows appear together or not at all, concurrent sweeps never share a Spark
 * {@code _temporary} folder, and no file is ever rewritten or deleted by a commit. A rerun adds a run:
 * the views show the latest committed run of each trial ({@link #trials()}), and {@link Vacuum} later
 * removes superseded runs, leftovers of interrupted commits and their models. docs/results-table.md's "What is
 * guaranteed" says what a plain Parquet read of the folders sees meanwhile.
 */
public final class ResultsTable {
    public static final String TRIALS_VIEW = "trials";
    public static final String EPOCHS_VIEW = "epochs";
    public static final String CONFUSIONS_VIEW = "confusions";
    public static final String CLASSES_VIEW = "classes";
    public static final String RUNGS_VIEW = "rungs";
    public static final String COMPUTE_VIEW = "compute";
    public static final String TUNING_VIEW = "tuning";
    public static final String TUNING_CONFIGURATIONS_VIEW = "tuning_configurations";
    public static final String TUNING_RUNGS_VIEW = "tuning_rungs";
    static final String STAGING = "_staging";
    static final String CLAIMS = "_claims";

    private final SparkSession spark;
    private final FileSystem fs;
    private final Path root;

    public ResultsTable(SparkSession spark, String location) throws IOException {
        this.spark = spark;
        Path path = new Path(location);
        this.fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
        this.root = fs.makeQualified(path);
    }

    public String location() {
        return root.toString();
    }

    FileSystem fileSystem() {
        return fs;
    }

    Path root() {
        return root;
    }

    Path trialsDir() {
        return new Path(root, "trials");
    }

    Path epochsDir() {
        return new Path(root, "epochs");
    }

    /** Who trains which trial now: claims kept in this table's {@code _claims/} folder. */
    public TrialClaims claims() {
        return new TrialClaims(fs, new Path(root, CLAIMS));
    }

    /**
     * The latest committed run of every trial (by finished_at, then run_id): what queries see. Rows
     * written before engines had a column were trained with dl4j.
     */
    public Dataset<Row> trials() throws IOException {
        Dataset<Row> runs = allRuns();
        WindowSpec latestFirst = Window.partitionBy("experiment", "trial_id")
                .orderBy(col("finished_at").desc(), col("run_id").desc());
        return runs.withColumn("run_rank", functions.row_number().over(latestFirst))
                .where(col("run_rank").equalTo(1)).drop("run_rank");
    }

    /** Every committed run, also those a rerun superseded (until vacuum removes them). */
    public Dataset<Row> allRuns() throws IOException {
        return read(trialsDir(), TrialRecord.SCHEMA).withColumn("engine",
                functions.coalesce(col("engine"), functions.lit(TrainingEngine.DL4J.toString())));
    }

    /** Epoch rows of the runs {@link #trials()} shows. */
    public Dataset<Row> epochs() throws IOException {
        Dataset<Row> epochs = allEpochRows();
        Dataset<Row> shown = trials().select("run_id");
        return epochs.join(shown, epochs.col("run_id").equalTo(shown.col("run_id")), "left_semi");
    }

    /** Every epoch row on storage, also one left by a commit that failed: what "nothing left behind" checks. */
    public Dataset<Row> allEpochRows() throws IOException {
        return read(epochsDir(), EpochRecord.SCHEMA);
    }

    /**
     * The test images of each epoch by true and predicted label, one row per pair: the {@code confusion}
     * column of the committed epochs, exploded (rows of version 1 have none).
     */
    public Dataset<Row> confusions() throws IOException {
        return epochs().where(col("confusion").isNotNull())
                .select(col("experiment"), col("trial_id"), col("run_id"), col("epoch"),
                        functions.posexplode(col("confusion")).as(new String[] {"true_label", "row"}))
                .select(col("experiment"), col("trial_id"), col("run_id"), col("epoch"), col("true_label"),
                        functions.posexplode(col("row")).as(new String[] {"predicted_label", "count"}));
    }

    /**
     * Per label and epoch, exactly from the counts: precision (of the images predicted as the label, the
     * share that are it), recall (of the images that are it, the share predicted so) and F1; null where
     * a share has no images.
     */
    public Dataset<Row> classes() throws IOException {
        Dataset<Row> pairs = confusions();
        Column[] epoch = {col("experiment"), col("trial_id"), col("run_id"), col("epoch")};
        Dataset<Row> actual = pairs.groupBy(append(epoch, col("true_label").as("label")))
                .agg(functions.sum("count").as("actual"),
                        functions.sum(functions.when(col("true_label").equalTo(col("predicted_label")), col("count"))
                                .otherwise(0)).as("correct"));
        Dataset<Row> predicted = pairs.groupBy(append(epoch, col("predicted_label").as("label")))
                .agg(functions.sum("count").as("predicted"));
        Column precision = functions.when(col("predicted").notEqual(0), col("correct").divide(col("predicted")));
        Column recall = functions.when(col("actual").notEqual(0), col("correct").divide(col("actual")));
        return actual.join(predicted, scala.collection.JavaConverters.asScalaBuffer(
                        List.of("experiment", "trial_id", "run_id", "epoch", "label")).toSeq())
                .select(col("experiment"), col("trial_id"), col("run_id"), col("epoch"), col("label"),
                        precision.as("precision"), recall.as("recall"),
                        precision.multiply(recall).multiply(2).divide(precision.plus(recall)).as("f1"),
                        col("correct"), col("actual"), col("predicted"));
    }

    /**
     * Tuning jobs' rows, one per configuration and rung (the latest run of each, as {@link #trials()}),
     * with {@code promoted}: whether the job went on with the configuration in the next rung (that rung has
     * a row, whatever its status).
     */
    public Dataset<Row> rungs() throws IOException {
        Dataset<Row> rows = trials().where(col("tuning_job").isNotNull());
        Dataset<Row> next = rows.select(col("tuning_job").as("next_job"), col("configuration").as("next_configuration"),
                col("rung").minus(1).as("next_from")).distinct();
        return rows.join(next, col("tuning_job").equalTo(col("next_job"))
                        .and(col("configuration").equalTo(col("next_configuration")))
                        .and(col("rung").equalTo(col("next_from"))), "left")
                .select(col("tuning_job"), col("configuration"), col("rung"), col("epochs"), col("epochs_trained"),
                        col("status"), col("next_job").isNotNull().as("promoted"), col("test_accuracy_last"),
                        col("test_correct_last"), col("test_images"), col("test_loss_last"), col("train_loss_last"),
                        col("test_accuracy"), col("hidden_channels"), col("kernel_size"), col("dropout"),
                        col("optimizer"), col("learning_rate"), col("momentum"), col("batch_size"),
                        col("averaging_frequency"), col("seed"), col("train_fraction"), col("engine"),
                        col("train_seconds"), col("experiment"), col("trial_id"), col("run_id"), col("resumed_from"),
                        col("model_path"), col("started_at"), col("finished_at"));
    }

    /**
     * The compute each experiment spent, grid sweeps and tuning jobs alike, one row each: configurations,
     * runs, epochs trained (a rung counts only the epochs it trained itself: a promoted configuration's
     * earlier epochs count once), training seconds, and the best test accuracy of a finished run.
     */
    public Dataset<Row> compute() throws IOException {
        Column finished = col("status").isin(Status.SUCCEEDED.value(), Status.STOPPED.value());
        return trials().groupBy("experiment").agg(
                        functions.when(functions.max(col("tuning_job").isNotNull()), functions.lit("tuning"))
                                .otherwise(functions.lit("grid")).as("kind"),
                        functions.countDistinct(functions.coalesce(col("configuration").cast("string"),
                                col("trial_id"))).as("configurations"),
                        functions.count(functions.lit(1)).as("runs"),
                        functions.sum(functions.when(col("status").equalTo(Status.FAILED.value()), 0)
                                .otherwise(functions.coalesce(col("epochs_trained"), col("epochs")))).as("epochs_trained"),
                        functions.sum("train_seconds").as("train_seconds"),
                        functions.max(functions.when(finished, col("test_accuracy_last"))).as("best_test_accuracy"))
                .orderBy("experiment");
    }

    private static Column[] append(Column[] columns, Column last) {
        Column[] all = java.util.Arrays.copyOf(columns, columns.length + 1);
        all[columns.length] = last;
        return all;
    }

    /**
     * Registers the views for Spark SQL: {@code trials}, {@code epochs}, {@code confusions}, {@code classes};
     * for tuning jobs {@code rungs} and {@code compute}, and the named queries over them (see {@link Queries}):
     * {@code tuning}, {@code tuning_configurations}, {@code tuning_rungs}.
     */
    public void registerViews() throws IOException {
        trials().createOrReplaceTempView(TRIALS_VIEW);
        epochs().createOrReplaceTempView(EPOCHS_VIEW);
        confusions().createOrReplaceTempView(CONFUSIONS_VIEW);
        classes().createOrReplaceTempView(CLASSES_VIEW);
        rungs().createOrReplaceTempView(RUNGS_VIEW);
        compute().createOrReplaceTempView(COMPUTE_VIEW);
        spark.sql(Queries.TUNING).createOrReplaceTempView(TUNING_VIEW);
        spark.sql(Queries.TUNING_CONFIGURATIONS).createOrReplaceTempView(TUNING_CONFIGURATIONS_VIEW);
        spark.sql(Queries.TUNING_RUNGS).createOrReplaceTempView(TUNING_RUNGS_VIEW);
    }

    private Dataset<Row> read(Path dir, StructType schema) throws IOException {
        if (!fs.exists(dir) || !hasData(dir)) {
            return spark.createDataFrame(List.of(), schema);
        }
        // The explicit schema lets files written before a column was added be read with nulls there.
        return spark.read().schema(schema).parquet(dir.toString());
    }

    private boolean hasData(Path dir) throws IOException {
        FileStatus[] files = fs.globStatus(new Path(dir, "*.parquet"));
        return files != null && files.length > 0;
    }

    /**
     * Fails now, naming the location, if the folder is not this job's table (another Parquet schema, or
     * not Parquet) or cannot be written: better than after hours of training.
     */
    public void checkUsable() throws IOException {
        checkSchema(trialsDir(), TrialRecord.SCHEMA);
        checkSchema(epochsDir(), EpochRecord.SCHEMA);
        Storage.checkWritable(fs, new Path(root, STAGING));
    }

    /** Every column of the files that this job also writes has this job's type; the ids are there. */
    private void checkSchema(Path dir, StructType expected) throws IOException {
        if (!fs.exists(dir)) {
            return;
        }
        if (!fs.getFileStatus(dir).isDirectory() || !hasData(dir)) {
            throw new InvalidTableException(root + " is not a mnist-spark results table: " + dir
                    + " holds no Parquet files of this job (choose another --results)");
        }
        StructType found;
        try {
            found = spark.read().parquet(dir.toString()).schema();
        } catch (Exception e) { // Spark's AnalysisException or a Parquet error: not a readable table
            throw new InvalidTableException(root + " is not a mnist-spark results table: " + dir
                    + " cannot be read as Parquet (" + e.getMessage().lines().findFirst().orElse("") + ")", e);
        }
        for (String id : List.of("experiment", "trial_id", "run_id")) {
            if (!List.of(found.fieldNames()).contains(id)) {
                throw new InvalidTableException(root + " is not a mnist-spark results table: " + dir
                        + " has no " + id + " column (choose another --results)");
            }
        }
        for (StructField field : found.fields()) {
            if (List.of(expected.fieldNames()).contains(field.name()) && !field.dataType().simpleString()
                    .equals(expected.apply(field.name()).dataType().simpleString())) {
                throw new InvalidTableException(root + " is not a mnist-spark results table: column "
                        + field.name() + " of " + dir + " is " + field.dataType().simpleString() + ", not "
                        + expected.apply(field.name()).dataType().simpleString());
            }
        }
    }

    /** Ids of the trials of {@code experiment} that have a committed run. */
    public Set<String> committedTrialIds(String experiment) throws IOException {
        Set<String> ids = new HashSet<>();
        for (Row row : allRuns().where(col("experiment").equalTo(experiment))
                .select("trial_id").distinct().collectAsList()) {
            ids.add(row.getString(0));
        }
        return ids;
    }

    /** Whether {@code trialId} of {@code experiment} has a committed run now (read afresh). */
    public boolean isCommitted(String experiment, String trialId) throws IOException {
        FileStatus[] runs = fs.globStatus(new Path(trialsDir(), runFilePattern(trialId)));
        if (runs == null || runs.length == 0) {
            return false;
        }
        return !spark.read().schema(TrialRecord.SCHEMA)
                .parquet(java.util.Arrays.stream(runs).map(f -> f.getPath().toString()).toArray(String[]::new))
                .where(col("experiment").equalTo(experiment)).isEmpty();
    }

    /** The file name of a run in both tables. */
    static String runFile(String trialId, String runId) {
        return "trial-" + trialId + "-" + runId + ".parquet";
    }

    static String runFilePattern(String trialId) {
        return "trial-" + trialId + "-*.parquet";
    }

    /**
     * Commits one trial run: its row and its epoch rows, all or nothing. Earlier runs of the trial stay
     * on storage: the views show the latest, and vacuum removes the others.
     */
    public void commit(TrialRecord trial, List<EpochRecord> epochs) throws IOException {
        String name = runFile(trial.trialId(), trial.runId());
        Path staging = new Path(new Path(root, STAGING), trial.runId() + "-" + UUID.randomUUID());
        try {
            Path stagedEpochs = writeOneFile(epochs.stream().map(EpochRecord.COLUMNS::row).toList(),
                    EpochRecord.SCHEMA, new Path(staging, "epochs"));
            Path stagedTrial = writeOneFile(List.of(TrialRecord.COLUMNS.row(trial)), TrialRecord.SCHEMA,
                    new Path(staging, "trials"));
            Path movedEpochs = moveInto(stagedEpochs, epochsDir(), name);
            try {
                moveInto(stagedTrial, trialsDir(), name); // the commit point
            } catch (IOException | RuntimeException e) {
                // unseen through the views anyway, which show epochs of committed runs only
                Storage.deleteKeepingCause(fs, movedEpochs, false, e);
                throw e;
            }
        } finally {
            deleteQuietly(staging); // never read; and after the commit point nothing may fail the trial
        }
    }

    private void deleteQuietly(Path path) {
        try {
            fs.delete(path, true);
        } catch (IOException e) {
            LoggerFactory.getLogger(ResultsTable.class).warn("Could not delete {}: {}", path, e.toString());
        }
    }

    private Path writeOneFile(List<Row> rows, StructType schema, Path dir) throws IOException {
        spark.createDataFrame(rows, schema).coalesce(1).write().parquet(dir.toString());
        FileStatus[] parts = fs.globStatus(new Path(dir, "part-*.parquet"));
        if (parts == null || parts.length != 1) {
            throw new IOException("expected one Parquet file in " + dir + ", found "
                    + (parts == null ? 0 : parts.length));
        }
        return parts[0].getPath();
    }

    private Path moveInto(Path file, Path dir, String name) throws IOException {
        fs.mkdirs(dir);
        Path target = new Path(dir, name);
        Storage.rename(fs, file, target);
        return target;
    }
}
