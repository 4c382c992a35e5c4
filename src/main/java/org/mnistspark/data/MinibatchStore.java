package org.mnistspark.data;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.nd4j.linalg.dataset.DataSet;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.IntFunction;

/**
 * Minibatch files on storage every executor can read (a local folder for local Spark, HDFS or S3 on a
 * cluster), so that executors load their shard themselves instead of receiving it from the driver.
 *
 * <p>Each named set is a folder of {@code mb-NNNNN.bin} files (ND4J's DataSet serialization) and a
 * {@code _COMPLETE} marker holding the count. A set is written once, into a scratch folder renamed into
 * place when whole, and reused by later trials and sweeps with the same inputs.
 */
public final class MinibatchStore {
    static final String MARKER = "_COMPLETE";
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

    /** The paths of set {@code name}, in order, written first unless a complete copy exists. */
    public List<String> ensure(String name, int count, IntFunction<DataSet> minibatch) throws IOException {
        Path set = new Path(root, name);
        if (complete(set, count)) {
            return paths(set, count);
        }
        Path scratch = new Path(root, "_tmp-" + name + "-" + UUID.randomUUID());
        try {
            for (int i = 0; i < count; i++) {
                try (FSDataOutputStream out = fs.create(new Path(scratch, fileName(i)), true)) {
                    minibatch.apply(i).save(out);
                }
            }
            try (FSDataOutputStream out = fs.create(new Path(scratch, MARKER), true)) {
                out.write(Integer.toString(count).getBytes(StandardCharsets.UTF_8));
            }
            // Another sweep with the same inputs may have finished the set meanwhile: use its copy, and
            // never delete a complete set, which that sweep may be reading.
            if (!complete(set, count)) {
                if (fs.exists(set)) {
                    fs.delete(set, true); // an incomplete leftover of a killed run
                }
                if (!fs.rename(scratch, set) && !complete(set, count)) {
                    throw new IOException("cannot move minibatches into " + set);
                }
            }
        } finally {
            if (fs.exists(scratch)) {
                fs.delete(scratch, true);
            }
        }
        return paths(set, count);
    }

    private boolean complete(Path set, int count) throws IOException {
        Path marker = new Path(set, MARKER);
        if (!fs.exists(marker)) {
            return false;
        }
        try (InputStream in = fs.open(marker)) {
            return Integer.toString(count).equals(new String(in.readAllBytes(), StandardCharsets.UTF_8).trim());
        }
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
