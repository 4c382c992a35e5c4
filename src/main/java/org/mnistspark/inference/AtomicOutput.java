package org.mnistspark.inference;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.mnistspark.storage.Storage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An output folder that appears whole or not at all, and is replaced whole. Spark writes into a
 * folder of the target's name inside a staging folder beside it ({@code .predict-staging-<uuid>}: a
 * leading dot, so Spark and Hive skip it when they read the parent folder); {@link #commit} adds a
 * marker file and renames that folder into place. An earlier output is first renamed aside and deleted only once the new one is in place
 * (put back if that rename fails). A failed job's {@link #abort} deletes the staging folder and any
 * parent folders it created. Only a folder holding the marker (an earlier predict output) or an empty
 * one is ever replaced: a typo in {@code --output} cannot delete someone's data.
 *
 * <p>A folder rename is atomic on HDFS and local disks. On s3a it is a copy, object by object: a job
 * that fails still leaves nothing, but a reader during the commit's seconds may see part of the folder.
 */
final class AtomicOutput {
    private static final Logger LOG = LoggerFactory.getLogger(AtomicOutput.class);
    /** In every output folder: what wrote it. Hidden from Spark's readers by its underscore. */
    static final String MARKER = "_mnist-spark-predictions";

    private final FileSystem fs;
    private final Path target;
    private final Path stagingDir;
    private final Path staging;
    private final List<Path> createdParents = new ArrayList<>();

    AtomicOutput(FileSystem fs, Path target) throws IOException {
        this.fs = fs;
        this.target = fs.makeQualified(target);
        if (this.target.getParent() == null) {
            throw new InvalidInputException("--output " + target + " is a file system's root; name a folder in it");
        }
        this.stagingDir = new Path(this.target.getParent(), ".predict-staging-" + UUID.randomUUID());
        this.staging = new Path(stagingDir, this.target.getName()); // a name Spark's readers do not skip
    }

    Path target() {
        return target;
    }

    Path staging() {
        return staging;
    }

    /** Fails unless the target is absent, empty, or an earlier output of this command. */
    void checkReplaceable() throws IOException {
        if (!fs.exists(target)) {
            return;
        }
        FileStatus status = fs.getFileStatus(target);
        if (status.isDirectory() && (fs.exists(new Path(target, MARKER)) || fs.listStatus(target).length == 0)) {
            return;
        }
        throw new InvalidInputException("--output " + target + " already exists and is not an earlier predict output "
                + "(it has no " + MARKER + " file); it is left alone: choose another path or delete it");
    }

    /** Creates the staging folder's missing parents, remembering them for {@link #abort}. */
    void prepare() throws IOException {
        List<Path> missing = new ArrayList<>();
        for (Path dir = target.getParent(); dir != null && !fs.exists(dir); dir = dir.getParent()) {
            missing.add(dir);
        }
        createdParents.addAll(missing); // deepest first
        if (!fs.mkdirs(target.getParent())) {
            throw new IOException("cannot create " + target.getParent());
        }
    }

    /** Marks the staged output as this command's, then puts it in place of the target. */
    void commit(String description) throws IOException {
        try {
            moveIntoPlace(description);
        } finally {
            try {
                fs.delete(stagingDir, true); // empty now, or what a failed commit left
            } catch (IOException e) {
                LOG.warn("Could not delete the staging folder {}: {}", stagingDir, e.toString());
            }
        }
    }

    private void moveIntoPlace(String description) throws IOException {
        try (OutputStream out = fs.create(new Path(staging, MARKER), true)) {
            out.write(description.getBytes(StandardCharsets.UTF_8));
        }
        checkReplaceable(); // again: something may have appeared there while the job ran
        if (!fs.exists(target)) {
            Storage.rename(fs, staging, target);
            return;
        }
        Path replaced = new Path(target.getParent(), ".predict-replaced-" + UUID.randomUUID());
        Storage.rename(fs, target, replaced);
        try {
            Storage.rename(fs, staging, target);
        } catch (IOException | RuntimeException e) {
            try {
                Storage.rename(fs, replaced, target);
            } catch (IOException | RuntimeException restore) {
                e.addSuppressed(restore);
            }
            throw e;
        }
        try {
            fs.delete(replaced, true);
        } catch (IOException e) {
            LOG.warn(
                    "The new output is in place, but the replaced one could not be deleted from {}: {}",
                    replaced,
                    e.toString());
        }
    }

    /** After a failure: removes what the job wrote, and the parent folders it created if they are empty. */
    void abort(Throwable failure) {
        Storage.deleteKeepingCause(fs, stagingDir, true, failure);
        for (Path dir : createdParents) {
            try {
                FileStatus[] left = fs.listStatus(dir);
                if (left.length > 0 || !fs.delete(dir, false)) {
                    return;
                }
            } catch (IOException e) {
                failure.addSuppressed(e);
                return;
            }
        }
    }
}
