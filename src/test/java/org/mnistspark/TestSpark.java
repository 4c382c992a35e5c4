package org.mnistspark;

import org.apache.spark.sql.SparkSession;
import org.mnistspark.model.NativeRuntime;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** One embedded local[2] Spark for all tests in a JVM (starting one takes seconds), bound to loopback. */
public final class TestSpark {
    private static SparkSession session;

    private TestSpark() {}

    public static synchronized SparkSession session() {
        return session(java.util.Map.of());
    }

    /** The session, created with these extra settings if it does not exist yet. */
    public static synchronized SparkSession session(java.util.Map<String, String> settings) {
        if (session != null && !settings.isEmpty()) { // they would be ignored: s3a would not point at the test server
            throw new IllegalStateException("Spark already runs in this JVM; settings " + settings.keySet()
                    + " need a fresh JVM (failsafe forks one per test class)");
        }
        if (session == null) {
            NativeRuntime.configure();
            SparkSession.Builder builder = SparkSession.builder();
            settings.forEach(builder::config);
            session = builder
                    .appName("mnist-spark-tests")
                    .master("local[2]")
                    .config("spark.ui.enabled", "false")
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
                    .config("spark.kryo.registrator", "org.nd4j.kryo.Nd4jRegistrator")
                    .config("spark.sql.shuffle.partitions", "2")
                    .getOrCreate();
        }
        return session;
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
