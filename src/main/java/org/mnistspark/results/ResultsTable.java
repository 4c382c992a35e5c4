package org.mnistspark.results;

import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;
import org.mnistspark.config.TrainingOptions;
import org.mnistspark.storage.Storage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.apache.spark.sql.functions.col;

/**
 * The results table: a folder (any Hadoop path) holding two Parquet tables,
 * {@code trials/} (one row per trial) and {@code epochs/} (one row per trial and epoch).
 *
 * <p>Each trial run is committed as one Parquet file per table: written by Spark into a private
 * {@code _staging/<run>/} folder (hidden from readers by its leading underscore), then each file is
 * renamed into place, the epochs file first and the trials file last. So a trial's rows appear
 * together or not at all, concurrent sweeps never share a Spark {@code _temporary} folder, and rows
 * already there are never rewritten. If the last rename fails, the epochs file is removed again; the
 * {@link #EPOCHS_VIEW} view shows only epochs of committed trials, which also hides the one window
 * left (the process killed between the two renames).
 */
public final class ResultsTable {
    private static final Logger LOG = LoggerFactory.getLogger(ResultsTable.class);
    public static final String TRIALS_VIEW = "trials";
    public static final String EPOCHS_VIEW = "epochs";
    public static final String CONFUSIONS_VIEW = "confusions";
    public static final String CLASSES_VIEW = "classes";
    static final String STAGING = "_staging";

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

    Path trialsDir() {
        return new Path(root, "trials");
    }

    Path epochsDir() {
        return new Path(root, "epochs");
    }

    /** The committed trials, all of them. Rows written before engines had a column were trained with dl4j. */
    public Dataset<Row> trials() throws IOException {
        return read(trialsDir(), TrialRecord.SCHEMA).withColumn("engine",
                functions.coalesce(functions.col("engine"), functions.lit(TrainingOptions.DL4J_ENGINE)));
    }

    /** Epoch rows of committed trials. */
    public Dataset<Row> epochs() throws IOException {
        Dataset<Row> epochs = allEpochRows();
        Dataset<Row> committed = trials().select("run_id");
        return epochs.join(committed, epochs.col("run_id").equalTo(committed.col("run_id")), "left_semi");
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

    private static Column[] append(Column[] columns, Column last) {
        Column[] all = java.util.Arrays.copyOf(columns, columns.length + 1);
        all[columns.length] = last;
        return all;
    }

    /** Registers the {@code trials}, {@code epochs}, {@code confusions} and {@code classes} views for Spark SQL. */
    public void registerViews() throws IOException {
        trials().createOrReplaceTempView(TRIALS_VIEW);
        epochs().createOrReplaceTempView(EPOCHS_VIEW);
        confusions().createOrReplaceTempView(CONFUSIONS_VIEW);
        classes().createOrReplaceTempView(CLASSES_VIEW);
    }

    private Dataset<Row> read(Path dir, StructType schema) throws IOException {
        if (!fs.exists(dir)) {
            return spark.createDataFrame(List.of(), schema);
        }
        // The explicit schema lets files written before a column was added be read with nulls there.
        return spark.read().schema(schema).parquet(dir.toString());
    }

    /** Fails now, naming the location, if the table cannot be written: better than after hours of training. */
    public void checkWritable() throws IOException {
        Storage.checkWritable(fs, new Path(root, STAGING));
    }

    /** Ids of the trials of {@code experiment} that have a committed row. */
    public Set<String> committedTrialIds(String experiment) throws IOException {
        Set<String> ids = new HashSet<>();
        for (Row row : trials().where(functions.col("experiment").equalTo(experiment))
                .select("trial_id").distinct().collectAsList()) {
            ids.add(row.getString(0));
        }
        return ids;
    }

    /**
     * Commits one trial run: its row and its epoch rows, all or nothing.
     *
     * @param replacePrevious also delete earlier runs of the same trial (a requested rerun) and the model
     *                        files their rows name, after the commit
     */
    public void commit(TrialRecord trial, List<EpochRecord> epochs, boolean replacePrevious) throws IOException {
        String name = "trial-" + trial.trialId() + "-" + trial.runId() + ".parquet";
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
                // unseen anyway: the epochs view keeps committed trials only
                Storage.deleteKeepingCause(fs, movedEpochs, false, e);
                throw e;
            }
        } finally {
            deleteQuietly(staging); // never read; and after the commit point nothing may fail the trial
        }
        if (replacePrevious) {
            try {
                List<Path> replaced = otherRuns(trialsDir(), trial, name);
                List<String> models = modelPaths(replaced);
                for (Path run : replaced) {
                    fs.delete(run, false);
                }
                for (Path run : otherRuns(epochsDir(), trial, name)) {
                    fs.delete(run, false);
                }
                models.forEach(this::deleteModelQuietly); // no row names them any more
            } catch (IOException | RuntimeException e) {
                LOG.warn("Trial {} is committed, but its earlier runs could not be removed and still show: {}",
                        trial.trialId(), e.toString());
            }
        }
    }

    private List<String> modelPaths(List<Path> trialFiles) {
        if (trialFiles.isEmpty()) {
            return List.of();
        }
        return spark.read().parquet(trialFiles.stream().map(Path::toString).toArray(String[]::new))
                .select("model_path").where("model_path IS NOT NULL").as(Encoders.STRING()).collectAsList();
    }

    private void deleteModelQuietly(String model) {
        try {
            ModelStore.delete(model, spark.sparkContext().hadoopConfiguration());
        } catch (IOException | IllegalArgumentException e) {
            LOG.warn("Could not delete the replaced model {}: {}", model, e.toString());
        }
    }

    private void deleteQuietly(Path path) {
        try {
            fs.delete(path, true);
        } catch (IOException e) {
            LOG.warn("Could not delete {}: {}", path, e.toString());
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

    private List<Path> otherRuns(Path dir, TrialRecord trial, String keep) throws IOException {
        FileStatus[] runs = fs.globStatus(new Path(dir, "trial-" + trial.trialId() + "-*.parquet"));
        List<Path> others = new ArrayList<>();
        for (FileStatus run : runs == null ? new FileStatus[0] : runs) {
            if (!run.getPath().getName().equals(keep)) {
                others.add(run.getPath());
            }
        }
        return others;
    }
}
