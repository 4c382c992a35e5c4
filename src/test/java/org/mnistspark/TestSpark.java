package org.mnistspark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.mnistspark.model.NativeRuntime;

/**
 * One embedded local[2] Spark for all tests in a JVM (starting one takes seconds), bound to loopback,
 * with the job's own Spark settings from submit/spark-job.conf, as spark-submit gives them.
 */
public final class TestSpark {
    private static SparkSession session;

    private TestSpark() {}

    public static synchronized SparkSession session() {
        return session(Map.of());
    }

    /** The session, created with these extra settings if it does not exist yet. */
    public static synchronized SparkSession session(Map<String, String> settings) {
        if (session != null && !settings.isEmpty()) { // they would be ignored: s3a would not point at the test server
            throw new IllegalStateException("Spark already runs in this JVM; settings " + settings.keySet()
                    + " need a fresh JVM (failsafe forks one per test class)");
        }
        if (session == null) {
            NativeRuntime.configure();
            SparkSession.Builder builder = SparkSession.builder();
            jobSettings().forEach(builder::config);
            settings.forEach(builder::config);
            session = builder.appName("mnist-spark-tests")
                    .master("local[2]")
                    .config("spark.ui.enabled", "false")
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.sql.shuffle.partitions", "2")
                    .getOrCreate();
        }
        return session;
    }

    /** submit/spark-job.conf: the settings every way of running the job passes to spark-submit. */
    public static Map<String, String> jobSettings() {
        Map<String, String> settings = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(Path.of("submit/spark-job.conf"))) {
                String[] keyValue = line.strip().split("\\s+", 2);
                if (!keyValue[0].isEmpty() && !keyValue[0].startsWith("#")) {
                    settings.put(keyValue[0], keyValue.length > 1 ? keyValue[1] : "");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return settings;
    }

    /** The MNIST folder fetched by submit/fetch-mnist.sh (the build runs it before the tests). */
    public static Path mnistDir() {
        Path dir = Paths.get("data", "mnist").toAbsolutePath();
        if (!Files.isRegularFile(dir.resolve("train-images-idx3-ubyte"))) {
            throw new IllegalStateException("MNIST is missing in " + dir + "; run submit/fetch-mnist.sh");
        }
        return dir;
    }
}
