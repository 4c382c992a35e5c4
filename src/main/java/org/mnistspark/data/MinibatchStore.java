package org.mnistspark.data;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.mnistspark.storage.Sha256;
import org.nd4j.linalg.dataset.DataSet;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

/**
 * Minibatch files on storage every executor can read (a local folder for local Spark, HDFS or S3 on a
 * cluster), so that executors load their shard themselves instead of receiving it from the driver.
 *
 * <p>A named set is written once and reused by later trials and sweeps with the same inputs. Each writer
 * writes its own copy, {@code <name>-<uuid>/mb-NNNNN.bin} (ND4J's DataSet serialization), and then
 * publishes it by creating the marker {@code <name>.complete}, which names that folder and the count,
 * only if no marker exists yet. Nothing is renamed (a folder rename is a slow copy on S3, and a half-copied
 * folder looks like a leftover) and no writer deletes a copy another writer may be training from: a
 * writer that finds another's marker deletes only its own, never-published copy.
 */
public final class MinibatchStore {
    static final String MARKER_SUFFIX = ".complete";
    private final Path root;
    private final FileSystem fs;

    public MinibatchStore(String dir, Configuration hadoop) throws IOException {
        Path path = new Path(dir);
        this.fs = path.getFileSystem(hadoop);
        this.root = fs.makeQualified(path);
    }

    public String root() {
        return root.toString();
    }

    /** Test minibatches hold this many images; evaluation speed only, not results, depends on it. */
    static final int TEST_MINIBATCH = 500;

    /** The test images in file order as minibatch files, written first if no complete copy exists. */
    public List<String> ensureTestSet(String dataKey, MnistImages test, double mean, double std) throws IOException {
        int[] order = IntStream.range(0, test.count()).toArray();
        int count = (test.count() + TEST_MINIBATCH - 1) / TEST_MINIBATCH;
        return ensure("test-" + Sha256.shortHex(dataKey), count, i -> Minibatches.toDataSet(test, order,
                i * TEST_MINIBATCH, Math.min(test.count(), (i + 1) * TEST_MINIBATCH), mean, std));
    }

    /** The paths of set {@code name}, in order, written first unless a complete copy is published. */
    public List<String> ensure(String name, int count, IntFunction<DataSet> minibatch) throws IOException {
        Path marker = new Path(root, name + MARKER_SUFFIX);
        List<String> published = published(marker, count);
        if (published != null) {
            return published;
        }
        Path copy = new Path(root, name + "-" + UUID.randomUUID());
        for (int i = 0; i < count; i++) {
            try (FSDataOutputStream out = fs.create(new Path(copy, fileName(i)), true)) {
                minibatch.apply(i).save(out);
            }
        }
        try (FSDataOutputStream out = fs.create(marker, false)) {
            out.write((copy.getName() + "\n" + count).getBytes(StandardCharsets.UTF_8));
        } catch (FileAlreadyExistsException anotherWriterWasFirst) {
            published = published(marker, count);
            if (published != null) {
                fs.delete(copy, true); // never published, so nobody reads it
                return published;
            }
            throw new IOException("minibatch marker " + marker + " exists but does not describe " + count
                    + " minibatches; delete it and its folder to rebuild the set", anotherWriterWasFirst);
        }
        return paths(copy, count);
    }

    /** The published copy's paths, or null if there is none (or it holds another count). */
    private List<String> published(Path marker, int count) throws IOException {
        if (!fs.exists(marker)) {
            return null;
        }
        String[] lines;
        try (InputStream in = fs.open(marker)) {
            lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim().split("\n");
        }
        if (lines.length != 2 || !Integer.toString(count).equals(lines[1].trim())) {
            return null;
        }
        return paths(new Path(root, lines[0].trim()), count);
    }

    private static List<String> paths(Path set, int count) {
        List<String> paths = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            paths.add(new Path(set, fileName(i)).toString());
        }
        return paths;
    }

    private static String fileName(int index) {
        return String.format("mb-%05d.bin", index);
    }
}
