package org.mnistspark.storage;

import com.amazonaws.auth.AWSStaticCredentialsProvider;
import com.amazonaws.auth.BasicAWSCredentials;
import com.amazonaws.client.builder.AwsClientBuilder;
import com.amazonaws.services.s3.AmazonS3;
import com.amazonaws.services.s3.AmazonS3ClientBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.mnistspark.TestFiles;

/**
 * S3Proxy 4.1.0 (copied to target/it-tools by the build) as a separate process on 127.0.0.1, with a
 * filesystem backend so that stored objects survive a stop and restart. The keys are test values.
 */
final class S3ProxyServer implements AutoCloseable {
    static final String IDENTITY = "local-test-identity";
    static final String CREDENTIAL = "local-test-credential-not-a-secret";
    static final Path JAR = Path.of("target/it-tools/s3proxy.jar");

    private final int port;
    private final Path dir;
    private Process process;

    S3ProxyServer(Path dir) throws IOException {
        this.dir = dir;
        this.port = TestFiles.freeLoopbackPort();
    }

    String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    void start() throws Exception {
        Files.createDirectories(dir.resolve("blobs"));
        Path properties = dir.resolve("s3proxy.properties");
        Files.writeString(
                properties,
                String.join(
                        "\n",
                        "s3proxy.endpoint=" + endpoint(),
                        "s3proxy.authorization=aws-v2-or-v4",
                        "s3proxy.identity=" + IDENTITY,
                        "s3proxy.credential=" + CREDENTIAL,
                        "jclouds.provider=filesystem",
                        "jclouds.filesystem.basedir=" + dir.resolve("blobs").toAbsolutePath(),
                        "jclouds.identity=" + IDENTITY,
                        "jclouds.credential=" + CREDENTIAL,
                        ""));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString(); // this JVM's, not PATH's
        Process started = new ProcessBuilder(
                        java,
                        "-Xmx512m",
                        "-jar",
                        JAR.toAbsolutePath().toString(),
                        "--properties",
                        properties.toAbsolutePath().toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("s3proxy.log").toFile())
                .start();
        process = started;
        // A test JVM killed before stop() (failsafe's fork timeout) must not leave the server running.
        Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("S3Proxy exited:\n" + Files.readString(dir.resolve("s3proxy.log")));
            }
            try {
                client().listBuckets(); // S3Proxy itself answers, with our keys: not just something on the port
                return;
            } catch (RuntimeException notYet) {
                Thread.sleep(200);
            }
        }
        throw new IllegalStateException("S3Proxy did not answer on port " + port);
    }

    void stop() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
            process = null;
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    /** An S3 client of the AWS SDK (the one hadoop-aws bundles), for what s3a does not do, like making buckets. */
    AmazonS3 client() {
        return AmazonS3ClientBuilder.standard()
                .withEndpointConfiguration(new AwsClientBuilder.EndpointConfiguration(endpoint(), "us-east-1"))
                .withPathStyleAccessEnabled(true)
                .withCredentials(new AWSStaticCredentialsProvider(new BasicAWSCredentials(IDENTITY, CREDENTIAL)))
                .build();
    }

    /** Spark settings that point s3a at this server, with static keys: no AWS metadata lookups. */
    Map<String, String> sparkSettings() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("spark.hadoop.fs.s3a.endpoint", endpoint());
        settings.put("spark.hadoop.fs.s3a.endpoint.region", "us-east-1");
        settings.put("spark.hadoop.fs.s3a.path.style.access", "true");
        settings.put("spark.hadoop.fs.s3a.connection.ssl.enabled", "false");
        settings.put(
                "spark.hadoop.fs.s3a.aws.credentials.provider",
                "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
        settings.put("spark.hadoop.fs.s3a.access.key", IDENTITY);
        settings.put("spark.hadoop.fs.s3a.secret.key", CREDENTIAL);
        settings.put("spark.hadoop.fs.s3a.attempts.maximum", "2");
        settings.put("spark.hadoop.fs.s3a.retry.limit", "2");
        settings.put("spark.hadoop.fs.s3a.connection.establish.timeout", "5000");
        return settings;
    }
}
