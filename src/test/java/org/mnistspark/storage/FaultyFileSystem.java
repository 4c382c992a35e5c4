package org.mnistspark.storage;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;

/**
 * The local file system under the scheme {@code faulty://}, which fails one chosen operation: the Nth
 * create, rename or delete under a path. A test arms it, runs the code under test against
 * {@code faulty:///some/local/path}, and so drives a protocol through a failure at every step, one
 * after the other, instead of hoping a timed fault lands where it should.
 *
 * <p>Registered for Spark and Hadoop with {@code fs.faulty.impl} (see {@link #settings()}); armed
 * in-process with {@link #arm}, or in a child JVM with the system property
 * {@code faulty.fail=OP:N:MODE[:PATH-PART]}. Modes: {@code throw} an IOException, {@code error} (an
 * OutOfMemoryError, as a JVM short of memory throws), {@code halt} the JVM (a killed driver).
 */
public final class FaultyFileSystem extends RawLocalFileSystem {
    public enum Op {
        CREATE,
        RENAME,
        DELETE
    }

    public enum Mode {
        THROW,
        ERROR,
        HALT
    }

    private record Fault(Op op, int nth, Mode mode, String pathPart) {}

    private static Fault fault = fromSystemProperty();
    private static int seen;
    private static final List<String> LOG = Collections.synchronizedList(new ArrayList<>());

    /** Spark settings that register the scheme (fs.faulty.impl) and keep Hadoop from caching one per URI. */
    public static java.util.Map<String, String> settings() {
        return java.util.Map.of(
                "spark.hadoop.fs.faulty.impl",
                FaultyFileSystem.class.getName(),
                "spark.hadoop.fs.faulty.impl.disable.cache",
                "true");
    }

    /** Fails the {@code nth} (from 1) operation {@code op} on a path containing {@code pathPart}. */
    public static synchronized void arm(Op op, int nth, Mode mode, String pathPart) {
        fault = new Fault(op, nth, mode, pathPart);
        seen = 0;
        LOG.clear();
    }

    public static synchronized void disarm() {
        fault = null;
        seen = 0;
    }

    /** Whether the armed fault has fired. */
    public static synchronized boolean fired() {
        return fault != null && seen >= fault.nth;
    }

    /** Every create, rename and delete since arming, in order; the failing one starts with "FAILS". */
    public static List<String> log() {
        return List.copyOf(LOG);
    }

    private static Fault fromSystemProperty() {
        String spec = System.getProperty("faulty.fail");
        if (spec == null) {
            return null;
        }
        String[] parts = spec.split(":", 4);
        return new Fault(
                Op.valueOf(parts[0].toUpperCase()),
                Integer.parseInt(parts[1]),
                Mode.valueOf(parts[2].toUpperCase()),
                parts.length > 3 ? parts[3] : "");
    }

    private static synchronized void maybeFail(Op op, Path path) throws IOException {
        if (fault == null) {
            return;
        }
        boolean counted = fault.op == op && path.toString().contains(fault.pathPart);
        if (counted) {
            seen++;
        }
        boolean fails = counted && seen == fault.nth;
        LOG.add((fails ? "FAILS " : "") + op + " " + path);
        if (!fails) {
            return;
        }
        String what = "injected fault: " + op.name().toLowerCase() + " #" + seen + " of " + path;
        switch (fault.mode) {
            case THROW -> throw new IOException(what);
            case ERROR -> throw new OutOfMemoryError(what);
            case HALT -> Runtime.getRuntime().halt(99);
        }
    }

    @Override
    public URI getUri() {
        return URI.create("faulty:///");
    }

    @Override
    public String getScheme() {
        return "faulty";
    }

    @Override
    public void initialize(URI uri, Configuration conf) throws IOException {
        super.initialize(URI.create("file:///"), conf);
    }

    @Override
    public FSDataOutputStream create(
            Path f,
            FsPermission permission,
            boolean overwrite,
            int bufferSize,
            short replication,
            long blockSize,
            Progressable progress)
            throws IOException {
        maybeFail(Op.CREATE, f);
        return super.create(f, permission, overwrite, bufferSize, replication, blockSize, progress);
    }

    @Override
    public FSDataOutputStream create(
            Path f, boolean overwrite, int bufferSize, short replication, long blockSize, Progressable progress)
            throws IOException {
        maybeFail(Op.CREATE, f);
        return super.create(f, overwrite, bufferSize, replication, blockSize, progress);
    }

    @Override
    public FSDataOutputStream createNonRecursive(
            Path f,
            FsPermission permission,
            boolean overwrite,
            int bufferSize,
            short replication,
            long blockSize,
            Progressable progress)
            throws IOException {
        maybeFail(Op.CREATE, f);
        return super.createNonRecursive(f, permission, overwrite, bufferSize, replication, blockSize, progress);
    }

    @Override
    public boolean rename(Path src, Path dst) throws IOException {
        maybeFail(Op.RENAME, dst);
        return super.rename(src, dst);
    }

    @Override
    public boolean delete(Path p, boolean recursive) throws IOException {
        maybeFail(Op.DELETE, p);
        return super.delete(p, recursive);
    }
}
