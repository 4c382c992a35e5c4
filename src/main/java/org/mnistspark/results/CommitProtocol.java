package org.mnistspark.results;

import java.io.IOException;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.mnistspark.storage.Storage;
import org.slf4j.LoggerFactory;

/**
 * How a trial run's rows get into a {@link ResultsTable}: all or nothing, the only writer of its
 * {@code trials/} and {@code epochs/} folders.
 *
 * <p>Each run is committed as one Parquet file per table: written by Spark into a private
 * {@code _staging/<run>-<uuid>/} folder (hidden from readers by its leading underscore), then each file is
 * renamed into place, the epochs file first and the trials file last: that rename is the commit point.
 * So a run's rows appear together or not at all, concurrent sweeps never share a Spark
 * {@code _temporary} folder, and no file is ever rewritten or deleted by a commit. If the last rename
 * fails the epochs file is removed again (the views show epochs of committed runs only in any case); the
 * staging folder is removed either way, and {@link Vacuum} removes what an interrupted commit left.
 *
 * <p>The caller holds the trial's claim ({@link TrialClaims}) and checks it right before committing, so a
 * run whose lease was taken over commits nothing. A committed run whose status is not
 * {@link Status#FAILED failed} makes its trial committed ({@link ResultsTable#isCommitted}).
 */
final class CommitProtocol {
    private final ResultsTable table;
    private final SparkSession spark;
    private final FileSystem fs;

    CommitProtocol(ResultsTable table) {
        this.table = table;
        this.spark = table.spark();
        this.fs = table.fileSystem();
    }

    /**
     * Commits one trial run: its row and its epoch rows, all or nothing. Earlier runs of the trial stay
     * on storage: the views show the latest, and vacuum removes the others.
     */
    void commit(TrialRecord trial, List<EpochRecord> epochs) throws IOException {
        String name = ResultsTable.runFile(trial.trialId(), trial.runId());
        Path staging = new Path(new Path(table.root(), ResultsTable.STAGING), trial.runId() + "-" + UUID.randomUUID());
        try {
            Path stagedEpochs = writeOneFile(
                    epochs.stream().map(EpochRecord.COLUMNS::row).toList(),
                    EpochRecord.SCHEMA,
                    new Path(staging, "epochs"));
            Path stagedTrial = writeOneFile(
                    List.of(TrialRecord.COLUMNS.row(trial)), TrialRecord.SCHEMA, new Path(staging, "trials"));
            Path movedEpochs = moveInto(stagedEpochs, table.epochsDir(), name);
            try {
                moveInto(stagedTrial, table.trialsDir(), name); // the commit point
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
            throw new IOException(
                    "expected one Parquet file in " + dir + ", found " + (parts == null ? 0 : parts.length));
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
