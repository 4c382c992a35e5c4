package org.mnistspark.storage;

import java.io.IOException;
import java.io.OutputStream;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** Writes that are whole or absent, and probes that fail early with the path named. */
public final class Storage {
    private Storage() {}

    /** Writes the content of one file. */
    @FunctionalInterface
    public interface Writer {
        void write(OutputStream out) throws IOException;
    }

    /** Runs on the written scratch file before it is renamed into place; throws to stop the rename. */
    @FunctionalInterface
    public interface BeforeRename {
        void accept(Path scratch) throws IOException;
    }

    /**
     * Writes {@code target} under a hidden scratch name beside it, then renames it into place, so that
     * readers see the whole file or none. The scratch file is removed if anything fails.
     */
    public static void writeThenRename(FileSystem fs, Path target, Writer writer) throws IOException {
        writeThenRename(fs, target, writer, scratch -> {});
    }

    /** The same, with a last step (a check of the written copy, say) between the write and the rename. */
    public static void writeThenRename(FileSystem fs, Path target, Writer writer, BeforeRename beforeRename)
            throws IOException {
        Path scratch = new Path(target.getParent(), "." + target.getName() + "." + UUID.randomUUID() + ".tmp");
        try {
            try (FSDataOutputStream out = fs.create(scratch, false)) {
                writer.write(out);
            }
            beforeRename.accept(scratch);
            rename(fs, scratch, target);
        } catch (IOException | RuntimeException e) {
            deleteKeepingCause(fs, scratch, false, e);
            throw e;
        }
    }

    /** Renames, or throws naming both paths: Hadoop's rename reports many failures only as false. */
    public static void rename(FileSystem fs, Path from, Path to) throws IOException {
        if (!fs.rename(from, to)) {
            throw new IOException("cannot rename " + from + " to " + to);
        }
    }

    /**
     * Deletes {@code path} on the way out of a failure: an error of the delete is attached to
     * {@code failure} (as suppressed) instead of replacing it.
     */
    public static void deleteKeepingCause(FileSystem fs, Path path, boolean recursive, Throwable failure) {
        try {
            fs.delete(path, recursive);
        } catch (IOException | RuntimeException cleanup) {
            failure.addSuppressed(cleanup);
        }
    }

    /** Creates {@code dir} and a probe file in it, then removes the probe; fails naming {@code dir}. */
    public static void checkWritable(FileSystem fs, Path dir) throws IOException {
        Path probe = new Path(dir, ".write-probe-" + UUID.randomUUID());
        try {
            if (!fs.mkdirs(dir)) {
                throw new IOException("cannot create " + dir);
            }
            fs.create(probe, false).close();
            fs.delete(probe, false);
        } catch (IOException e) {
            throw new IOException(fs.makeQualified(dir) + " is not writable: " + e.getMessage(), e);
        }
    }

    /**
     * Hadoop's settings without Spark: its *-site.xml files plus the {@code spark.hadoop.*} settings
     * that spark-submit passes as system properties (an S3 endpoint, say), as Spark itself applies them.
     */
    public static Configuration hadoopConfiguration() {
        Configuration hadoop = new Configuration();
        for (String name : System.getProperties().stringPropertyNames()) {
            if (name.startsWith("spark.hadoop.")) {
                hadoop.set(name.substring("spark.hadoop.".length()), System.getProperty(name));
            }
        }
        return hadoop;
    }
}
