package org.mnistspark.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Properties;
import java.util.stream.Stream;
import org.bytedeco.javacpp.Loader;
import org.deeplearning4j.nn.layers.mkldnn.BaseMKLDNNHelper;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * JVM-wide settings ND4J and DL4J read once, when they first load. Every JVM that trains or
 * evaluates (the driver, and each executor through the job's data loader) calls {@link #configure()}
 * before it touches ND4J. A value already given with {@code -D} wins.
 */
public final class NativeRuntime {
    /** JavaCPP picks the native binary of the platform plus this extension ("-onednn" for the default build). */
    static final String PLATFORM_EXTENSION = "org.bytedeco.javacpp.platform.extension";
    /** DL4J M2 turns its oneDNN/cuDNN layer helpers off unless this is "false". */
    static final String HELPERS_DISABLE = "org.eclipse.deeplearning4j.helpers.disable";
    /** dl4j-spark's default time source asks an NTP server, which fails offline and on locked-down clusters. */
    static final String TIME_SOURCE = "org.deeplearning4j.spark.time.TimeSource";

    private static volatile boolean configured;
    /** Whether this thread's OpenMP thread count has been set ({@link #configureThread()}). */
    private static final ThreadLocal<Boolean> THREAD_CONFIGURED = ThreadLocal.withInitial(() -> false);

    private static volatile String environment;

    private NativeRuntime() {}

    public static void configure() {
        if (configured) {
            return;
        }
        synchronized (NativeRuntime.class) {
            if (!configured) {
                Properties build = buildProperties();
                setIfAbsent(PLATFORM_EXTENSION, build.getProperty("javacpp.platform.extension", ""));
                setIfAbsent(HELPERS_DISABLE, "false");
                setIfAbsent(TIME_SOURCE, "org.deeplearning4j.spark.time.SystemClockTimeSource");
                CpuIsa.apply();
                configured = true;
            }
        }
    }

    /**
     * {@link #configure()}, then gives the calling thread the OpenMP threads {@code OMP_NUM_THREADS} asks
     * for (every core when it is unset, OpenMP's own default). Call it first in every thread that trains,
     * evaluates or predicts. Why: ND4J 1.0.0-M2's NativeOpsHolder reads OMP_NUM_THREADS and then sets 4
     * threads anyway (its constructor ends in {@code setOmpNumThreads(4)}), and OpenMP keeps that count per
     * thread. So the one thread that loaded ND4J ran oneDNN with 4 threads and the others with 1: on 2 cores
     * that thread oversubscribed them, and since oneDNN splits a convolution's sums by thread, a trial's
     * figures depended on which task thread of an executor ran which worker, and a standalone cluster's
     * differed from local Spark's in the last bits (h = 2, 5, 10 of the default sweep).
     */
    public static void configureThread() {
        configure();
        if (THREAD_CONFIGURED.get()) {
            return;
        }
        Nd4j.getBackend(); // NativeOpsHolder reads the configuration the backend's loading fills in
        NativeOpsHolder.getInstance()
                .getDeviceNativeOps()
                .setOmpNumThreads(openMpThreads(System.getenv("OMP_NUM_THREADS")));
        THREAD_CONFIGURED.set(true);
    }

    /** OMP_NUM_THREADS's first number ("4,2" nests), or every core; what OpenMP gives a thread ND4J left alone. */
    static int openMpThreads(String environment) {
        if (environment != null) {
            try {
                int threads = Integer.parseInt(environment.split(",")[0].trim());
                if (threads > 0) {
                    return threads;
                }
            } catch (NumberFormatException e) {
                // OpenMP ignores a value it cannot read, and so does this
            }
        }
        return Runtime.getRuntime().availableProcessors();
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null && !value.isEmpty()) {
            System.setProperty(key, value);
        }
    }

    /** Written by the Maven build: which ND4J backend and native binary this jar carries. */
    static Properties buildProperties() {
        Properties properties = new Properties();
        try (InputStream in = NativeRuntime.class.getResourceAsStream("/mnist-spark-build.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read mnist-spark-build.properties", e);
        }
        return properties;
    }

    /** The application version, from the build. */
    public static String applicationVersion() {
        return buildProperties().getProperty("version", "unknown");
    }

    /** One line for the log: backend and whether oneDNN convolutions are active. */
    public static String describe() {
        configure();
        String backend = Nd4j.getExecutioner().getEnvironmentInformation().getProperty("backend");
        boolean onednn = "CPU".equalsIgnoreCase(backend) && oneDnnActive();
        return "ND4J backend " + backend + ", oneDNN layer helpers " + (onednn ? "active" : "inactive")
                + (onednn ? ", oneDNN instruction set " + CpuIsa.apply() : "");
    }

    /**
     * What this JVM's native code runs with, as one line: OpenMP's threads and oneDNN's instruction set
     * as the environment gave them (spark.executorEnv.* on executors), and where JavaCPP unpacked ND4J's
     * libraries (org.bytedeco.javacpp.cachedir, default ~/.javacpp/cache), with the folder's size. Loads ND4J if it is not loaded yet; computed once per JVM.
     */
    public static String environment() {
        if (environment == null) {
            configure();
            Nd4j.getExecutioner(); // ND4J loaded: its libraries are unpacked
            Path cache;
            try {
                cache = Loader.getCacheDir().toPath().toAbsolutePath();
            } catch (IOException e) {
                throw new UncheckedIOException("JavaCPP has no cache folder", e);
            }
            environment = String.format(
                    Locale.ROOT,
                    "OMP_NUM_THREADS=%s, DNNL_MAX_CPU_ISA=%s, JavaCPP cache %s (%d MB)",
                    variable("OMP_NUM_THREADS"),
                    CpuIsa.apply().isa(),
                    cache,
                    megabytes(cache));
        }
        return environment;
    }

    private static String variable(String name) {
        String value = System.getenv(name);
        return value == null ? "(unset)" : value;
    }

    private static long megabytes(Path folder) {
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(Files::isRegularFile)
                            .mapToLong(file -> {
                                try {
                                    return Files.size(file);
                                } catch (IOException e) {
                                    throw new UncheckedIOException(e);
                                }
                            })
                            .sum()
                    / (1024 * 1024);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read JavaCPP's cache " + folder, e);
        }
    }

    /** Whether DL4J's convolution layers will use oneDNN. */
    public static boolean oneDnnActive() {
        configure();
        return !Boolean.parseBoolean(System.getProperty(HELPERS_DISABLE, "true")) && BaseMKLDNNHelper.mklDnnEnabled();
    }
}
