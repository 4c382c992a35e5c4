package org.mnistspark.results;

import static org.apache.spark.sql.functions.col;

import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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

/**
 * The results table: a folder (any Hadoop path) holding two Parquet tables, {@code trials/} (one row
 * per trial run) and {@code epochs/} (one row per trial run and epoch): their layout, reading them, the
 * check that a folder is such a table, and what "committed" means ({@link #committed()}).
 *
 * <p>Each trial run is committed as one Parquet file per table, all or nothing ({@link CommitProtocol}).
 * A rerun adds a run: {@link #trials()} shows the latest committed run of each trial, and {@link Vacuum}
 * later removes superseded runs, leftovers of interrupted commits and their models. The views and every
 * SQL query over them are {@link Views}'. docs/results-table.md's "What is guaranteed" says what a plain Parquet read of
 * the folders sees meanwhile.
 */
public final class ResultsTable {
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

    SparkSession spark() {
        return spark;
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
        return latest(allRuns());
    }

    /** Which run of a trial the views show: the one that finished last, then the greatest run_id. */
    static final Column[] LATEST_FIRST = {
        col("finished_at").desc(), col("run_id").desc()
    };

    /** The latest run ({@link #LATEST_FIRST}) of every trial among {@code runs}. */
    private static Dataset<Row> latest(Dataset<Row> runs) {
        WindowSpec latestFirst = Window.partitionBy("experiment", "trial_id").orderBy(LATEST_FIRST);
        return runs.withColumn("run_rank", functions.row_number().over(latestFirst))
                .where(col("run_rank").equalTo(1))
                .drop("run_rank");
    }

    /** Every committed run, also those a rerun superseded (until vacuum removes them). */
    public Dataset<Row> allRuns() throws IOException {
        return read(trialsDir(), TrialRecord.SCHEMA)
                .withColumn("engine", functions.coalesce(col("engine"), functions.lit(TrainingEngine.DL4J.toString())));
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
     * Registers the views for Spark SQL ({@link Views#register}: {@code trials}, {@code epochs}, {@code confusions},
     * {@code classes}, {@code rungs}, {@code compute}, {@code tuning}, {@code tuning_configurations},
     * {@code tuning_rungs}).
     */
    public void registerViews() throws IOException {
        Views.register(this);
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
            throw new InvalidTableException(
                    root + " is not a mnist-spark results table: " + dir + " cannot be read as Parquet ("
                            + e.getMessage().lines().findFirst().orElse("") + ")",
                    e);
        }
        for (String id : List.of("experiment", "trial_id", "run_id")) {
            if (!List.of(found.fieldNames()).contains(id)) {
                throw new InvalidTableException(root + " is not a mnist-spark results table: " + dir + " has no " + id
                        + " column (choose another --results)");
            }
        }
        for (StructField field : found.fields()) {
            if (List.of(expected.fieldNames()).contains(field.name())
                    && !field.dataType()
                            .simpleString()
                            .equals(expected.apply(field.name()).dataType().simpleString())) {
                throw new InvalidTableException(root + " is not a mnist-spark results table: column "
                        + field.name() + " of " + dir + " is "
                        + field.dataType().simpleString() + ", not "
                        + expected.apply(field.name()).dataType().simpleString());
            }
        }
    }

    /**
     * What "committed" means, the one definition (a sweep's skip, a tuning job's rung, {@link #isCommitted},
     * {@link #committedTrialIds}): the trial's latest committed run (the one the views show, by
     * {@link #LATEST_FIRST}) did not fail. A tuning job commits a {@code failed} row for a rung whose training
     * failed: that records the attempt, and the rung is trained again.
     */
    static Column committed() {
        return col("status").notEqual(Status.FAILED.value());
    }

    /** Ids of the trials of {@code experiment} that are committed ({@link #committed()}). */
    public Set<String> committedTrialIds(String experiment) throws IOException {
        Set<String> ids = new HashSet<>();
        for (Row row : trials().where(col("experiment").equalTo(experiment).and(committed()))
                .select("trial_id")
                .distinct()
                .collectAsList()) {
            ids.add(row.getString(0));
        }
        return ids;
    }

    /**
     * Whether {@code trialId} of {@code experiment} is committed now ({@link #committed()}), read afresh from
     * that trial's files only.
     */
    public boolean isCommitted(String experiment, String trialId) throws IOException {
        FileStatus[] runs = fs.globStatus(new Path(trialsDir(), runFilePattern(trialId)));
        if (runs == null || runs.length == 0) {
            return false;
        }
        Dataset<Row> ofTrial = spark.read()
                .schema(TrialRecord.SCHEMA)
                .parquet(java.util.Arrays.stream(runs)
                        .map(f -> f.getPath().toString())
                        .toArray(String[]::new))
                .where(col("experiment").equalTo(experiment).and(col("trial_id").equalTo(trialId)));
        return !latest(ofTrial).where(committed()).isEmpty();
    }

    /** The file name of a run in both tables. */
    static String runFile(String trialId, String runId) {
        return "trial-" + trialId + "-" + runId + ".parquet";
    }

    static String runFilePattern(String trialId) {
        return "trial-" + trialId + "-*.parquet";
    }

    /**
     * Commits one trial run: its row and its epoch rows, all or nothing ({@link CommitProtocol}). Earlier
     * runs of the trial stay on storage: the views show the latest, and vacuum removes the others.
     */
    public void commit(TrialRecord trial, List<EpochRecord> epochs) throws IOException {
        new CommitProtocol(this).commit(trial, epochs);
    }
}
