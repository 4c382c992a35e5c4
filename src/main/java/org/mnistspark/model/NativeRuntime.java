package org.mnistspark.model;

import org.bytedeco.javacpp.Loader;
import org.deeplearning4j.nn.layers.mkldnn.BaseMKLDNNHelper;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Properties;
import java.util.stream.Stream;

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
                configured = true;
            }
        }
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
        String isa = System.getenv("DNNL_MAX_CPU_ISA");
        return "ND4J backend " + backend + ", oneDNN layer helpers " + (onednn ? "active" : "inactive")
                + (isa == null ? "" : ", oneDNN instruction set at most " + isa + " (DNNL_MAX_CPU_ISA)");
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
            environment = String.format(Locale.ROOT, "OMP_NUM_THREADS=%s, DNNL_MAX_CPU_ISA=%s, JavaCPP cache %s (%d MB)",
                    variable("OMP_NUM_THREADS"), variable("DNNL_MAX_CPU_ISA"), cache,
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
            return files.filter(Files::isRegularFile).mapToLong(file -> {
                try {
                    return Files.size(file);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sum() / (1024 * 1024);
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
