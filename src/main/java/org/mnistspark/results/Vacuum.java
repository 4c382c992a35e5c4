package org.mnistspark.results;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.input_file_name;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.Row;

/**
 * Removes what a results table no longer needs, which commits and reruns never delete themselves (they
 * may run beside other sweeps): runs a later run of the same trial superseded, with their epoch rows and
 * models; and, older than an age (so that nothing in flight is touched), leftovers of interrupted
 * commits in {@code _staging/}, epoch files of runs that never committed, expired claims, and model
 * files no row names.
 */
public final class Vacuum {
    /** What was (or, in a dry run, would be) removed. */
    public record Result(
            List<String> supersededRuns,
            List<String> staging,
            List<String> orphanEpochFiles,
            int expiredClaims,
            List<String> orphanModels) {
        public int total() {
            return supersededRuns.size()
                    + staging.size()
                    + orphanEpochFiles.size()
                    + expiredClaims
                    + orphanModels.size();
        }
    }

    private final ResultsTable table;
    private final FileSystem fs;
    private final Configuration hadoop;

    public Vacuum(ResultsTable table, Configuration hadoop) {
        this.table = table;
        this.fs = table.fileSystem();
        this.hadoop = hadoop;
    }

    /**
     * @param models    the models folder whose unnamed zips go too; "" for none
     * @param olderThan leftovers younger than this stay: a sweep may still be writing them
     */
    public Result run(String models, Duration olderThan, boolean dryRun) throws IOException {
        long cutoff = System.currentTimeMillis() - olderThan.toMillis();
        List<String> superseded = removeSupersededRuns(dryRun);
        List<String> staging = removeOld(new Path(table.root(), ResultsTable.STAGING), cutoff, dryRun);
        List<String> orphanEpochs = removeOrphanEpochFiles(cutoff, dryRun);
        int claims = dryRun ? 0 : table.claims().deleteExpired();
        List<String> orphanModels = models.isBlank() ? List.of() : removeOrphanModels(new Path(models), cutoff, dryRun);
        return new Result(superseded, staging, orphanEpochs, claims, orphanModels);
    }

    /** Every run but the latest of its trial: its trials and epochs files, then its model. */
    private List<String> removeSupersededRuns(boolean dryRun) throws IOException {
        Set<String> shown = new HashSet<>(table.trials()
                .select("run_id")
                .as(org.apache.spark.sql.Encoders.STRING())
                .collectAsList());
        List<String> removed = new ArrayList<>();
        for (Row run : table.allRuns()
                .select(input_file_name(), col("run_id"), col("model_path"))
                .collectAsList()) {
            if (shown.contains(run.getString(1))) {
                continue;
            }
            Path trialFile = new Path(run.getString(0));
            removed.add(trialFile.toString());
            if (!dryRun) {
                // The trial row first: the run disappears whole from plain reads of trials/, then its rest.
                fs.delete(trialFile, false);
                fs.delete(new Path(table.epochsDir(), trialFile.getName()), false);
                if (!run.isNullAt(2)) {
                    ModelStore.delete(run.getString(2), hadoop);
                }
            }
        }
        return removed;
    }

    /** Epoch files whose run has no committed row: a commit that never reached its last rename. */
    private List<String> removeOrphanEpochFiles(long cutoff, boolean dryRun) throws IOException {
        Set<String> committed = new HashSet<>(table.allRuns()
                .select("run_id")
                .as(org.apache.spark.sql.Encoders.STRING())
                .collectAsList());
        List<String> removed = new ArrayList<>();
        for (Row file : table.allEpochRows()
                .select(input_file_name(), col("run_id"))
                .distinct()
                .collectAsList()) {
            Path path = new Path(file.getString(0));
            if (!committed.contains(file.getString(1)) && olderThan(path, cutoff)) {
                removed.add(path.toString());
                if (!dryRun) {
                    fs.delete(path, false);
                }
            }
        }
        return removed;
    }

    /** Model zips (and scratch files of interrupted saves) that no committed row names. */
    private List<String> removeOrphanModels(Path models, long cutoff, boolean dryRun) throws IOException {
        FileSystem modelsFs = models.getFileSystem(hadoop);
        Set<String> named = new HashSet<>();
        for (Row row : table.allRuns()
                .where(col("model_path").isNotNull())
                .select("model_path")
                .collectAsList()) {
            named.add(modelsFs.makeQualified(new Path(row.getString(0))).toString());
        }
        List<String> removed = new ArrayList<>();
        RemoteIterator<LocatedFileStatus> files;
        try {
            files = modelsFs.listFiles(models, true);
        } catch (FileNotFoundException e) {
            return removed;
        }
        while (files.hasNext()) {
            LocatedFileStatus file = files.next();
            String name = file.getPath().getName();
            boolean ours = name.endsWith(".zip") || (name.startsWith(".") && name.endsWith(".tmp"));
            if (ours
                    && !named.contains(modelsFs.makeQualified(file.getPath()).toString())
                    && file.getModificationTime() < cutoff) {
                removed.add(file.getPath().toString());
                if (!dryRun) {
                    modelsFs.delete(file.getPath(), false);
                }
            }
        }
        return removed;
    }

    private List<String> removeOld(Path dir, long cutoff, boolean dryRun) throws IOException {
        List<String> removed = new ArrayList<>();
        FileStatus[] entries;
        try {
            entries = fs.listStatus(dir);
        } catch (FileNotFoundException e) {
            return removed;
        }
        for (FileStatus entry : entries) {
            if (entry.getModificationTime() < cutoff
                    && !entry.getPath().getName().startsWith(".write-probe")) {
                removed.add(entry.getPath().toString());
                if (!dryRun) {
                    fs.delete(entry.getPath(), true);
                }
            }
        }
        return removed;
    }

    private boolean olderThan(Path path, long cutoff) throws IOException {
        try {
            return fs.getFileStatus(path).getModificationTime() < cutoff;
        } catch (FileNotFoundException gone) {
            return false;
        }
    }
}
