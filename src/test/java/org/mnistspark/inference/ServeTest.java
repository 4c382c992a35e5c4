package org.mnistspark.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mnistspark.Cli;
import org.mnistspark.TestFiles;
import org.mnistspark.TestSpark;
import org.mnistspark.data.MnistDataset;
import org.mnistspark.data.MnistImages;
import org.mnistspark.storage.Storage;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The HTTP server with the tiny sweep's real model, over real HTTP on 127.0.0.1: SageMaker's ping and
 * invocations with PNGs and JSON of real test digits, bad bodies, and a bounded load test.
 */
class ServeTest {
    static final int LOAD_REQUESTS = 2000;
    static final int LOAD_CLIENTS = 8;
    static final Duration LOAD_LIMIT = Duration.ofMinutes(3);

    static DigitModel model;
    static PredictionServer server;
    static MnistImages test;
    static String base;
    static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    static final ObjectMapper json = new ObjectMapper();

    @BeforeAll
    static void serve() throws IOException {
        model = TinySweep.model();
        Row trial = TinySweep.trial();
        SelectedModel selected = new SelectedModel(TinySweep.EXPERIMENT, trial.getString(1), trial.getString(0),
                trial.getString(2), trial.getDouble(5), trial.getDouble(6), trial.getLong(3), trial.getLong(4));
        server = PredictionServer.start(model, selected, "127.0.0.1", 0, 2);
        assertThat(server.address().getAddress().isLoopbackAddress()).isTrue();
        base = "http://127.0.0.1:" + server.address().getPort();
        test = MnistDataset.load(TestSpark.mnistDir().toString(), Storage.hadoopConfiguration()).test().first(100);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(byte[] body, String contentType) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + "/invocations")).timeout(Duration.ofSeconds(30))
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static byte[] jsonBody(byte[] pixels) {
        return ("{\"pixels\": [" + IntStream.range(0, pixels.length).mapToObj(i -> String.valueOf(pixels[i] & 0xFF))
                .collect(Collectors.joining(",")) + "]}").getBytes();
    }

    static byte[] pixels(int index) {
        return Arrays.copyOfRange(test.pixels(), index * 784, (index + 1) * 784);
    }

    @Test
    void pingSaysHealthyAndNamesTheModel() throws Exception {
        HttpResponse<String> ping = get("/ping");
        assertThat(ping.statusCode()).isEqualTo(200);
        JsonNode body = json.readTree(ping.body());
        assertThat(body.get("status").asText()).isEqualTo("healthy");
        assertThat(body.get("run_id").asText()).isEqualTo(TinySweep.trial().getString(0));
    }

    @Test
    void pngsAndJsonOfRealTestDigitsGetTheModelsAnswer() throws Exception {
        float[][] expected = model.probabilities(Arrays.copyOf(test.pixels(), 20 * 784), 20);
        int right = 0;
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> png = post(DigitImagesTest.png(pixels(i), BufferedImage.TYPE_BYTE_GRAY, false),
                    "image/png");
            HttpResponse<String> fromJson = post(jsonBody(pixels(i)), "application/json");
            assertThat(png.statusCode()).as(png.body()).isEqualTo(200);
            assertThat(fromJson.statusCode()).as(fromJson.body()).isEqualTo(200);
            for (JsonNode answer : List.of(json.readTree(png.body()), json.readTree(fromJson.body()))) {
                assertThat(answer.get("label").asInt()).isEqualTo(DigitModel.argMax(expected[i]));
                assertThat(answer.get("probabilities")).hasSize(10);
                for (int c = 0; c < 10; c++) {
                    assertThat(answer.get("probabilities").get(c).floatValue()).isCloseTo(expected[i][c], within(1e-6f));
                }
            }
            right += json.readTree(png.body()).get("label").asInt() == test.label(i) ? 1 : 0;
        }
        assertThat(json.readTree(post(DigitImagesTest.png(pixels(0), BufferedImage.TYPE_BYTE_GRAY, false),
                "image/png").body()).get("label").asInt()).as("test image 0 is a 7").isEqualTo(test.label(0)).isEqualTo(7);
        assertThat(right).as("a model of 90%+ gets most of 20 right").isGreaterThanOrEqualTo(16);
        // A bigger picture of the same digit, dark on light, as a phone might send it.
        BufferedImage photo = DigitImagesTest.enlarged(pixels(0), 9, 40, 30, 320, BufferedImage.TYPE_INT_RGB, false);
        for (int y = 0; y < 320; y++) {
            for (int x = 0; x < 320; x++) {
                photo.setRGB(x, y, ~photo.getRGB(x, y) | 0xFF000000);
            }
        }
        HttpResponse<String> big = post(DigitImagesTest.encode(photo), "image/png");
        assertThat(big.statusCode()).as(big.body()).isEqualTo(200);
        assertThat(json.readTree(big.body()).get("label").asInt()).isEqualTo(7);
    }

    @Test
    void badBodiesGet400WithTheReasonAndTheServerGoesOn() throws Exception {
        byte[] png = DigitImagesTest.png(pixels(0), BufferedImage.TYPE_BYTE_GRAY, false);
        BufferedImage blank = new BufferedImage(50, 50, BufferedImage.TYPE_INT_RGB);
        String tooBright = new String(jsonBody(pixels(0))).replaceFirst("\\[0,", "[256,");
        List<Object[]> cases = List.of(
                new Object[] {new byte[0], "application/json", "the body is empty"},
                new Object[] {"{\"pixels\": [1, 2".getBytes(), "application/json", "not valid JSON"},
                new Object[] {"{\"pixels\": [1, 2, 3]}".getBytes(), "application/json", "has 3 values"},
                new Object[] {"{\"image\": []}".getBytes(), "application/json", "needs \\\"pixels\\\""},
                new Object[] {"[1, 2, 3]".getBytes(), "application/json", "needs \\\"pixels\\\""},
                new Object[] {tooBright.getBytes(), "application/json", "\\\"pixels\\\"[0] is 256"},
                new Object[] {"{\"pixels\": [\"a\"]}".getBytes(), "application/json", "has 1 values"},
                new Object[] {"hello".getBytes(), "text/plain", "neither JSON nor an image"},
                new Object[] {Arrays.copyOf(png, 40), "image/png", "cannot be decoded"},
                new Object[] {DigitImagesTest.encode(blank), "image/png", "no digit"},
                new Object[] {DigitImagesTest.pngHeader(200_000, 200_000), "image/png", "200000x200000"});
        for (Object[] bad : cases) {
            HttpResponse<String> response = post((byte[]) bad[0], (String) bad[1]);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
            assertThat(response.body()).as(new String((byte[]) bad[0]).substring(0, Math.min(20, ((byte[]) bad[0]).length)))
                    .startsWith("{\"error\":").contains((String) bad[2]);
        }
        assertThat(get("/invocations").statusCode()).isEqualTo(405);
        assertThat(get("/nothing").statusCode()).isEqualTo(404);
        assertThat(get("/ping").statusCode()).isEqualTo(200);
        assertThat(post(png, "image/png").statusCode()).isEqualTo(200);
    }

    @Test
    void theDrawingPageIsServedAtTheRoot() throws Exception {
        HttpResponse<String> page = get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(page.body()).contains("<canvas id=\"pad\"", "invocations");
    }

    @Test
    void theServeCommandServesTheSelectedModelUntilStoppedAndRefusesWhatItCannotServe() throws Exception {
        int port = TestFiles.freeLoopbackPort();
        AtomicReference<Cli.Result> result = new AtomicReference<>();
        Thread command = new Thread(() -> result.set(Cli.run("serve", "--results", TinySweep.results(), "--model",
                "best:" + TinySweep.EXPERIMENT, "--port", String.valueOf(port), "--threads", "2")));
        command.start();
        HttpResponse<String> ping = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (ping == null && System.nanoTime() < deadline && command.isAlive()) {
            try {
                ping = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ping")).build(),
                        HttpResponse.BodyHandlers.ofString());
            } catch (java.net.ConnectException notYet) {
                Thread.sleep(200);
            }
        }
        command.interrupt();
        command.join(TimeUnit.SECONDS.toMillis(30));
        assertThat(command.isAlive()).as("stopped when interrupted").isFalse();
        assertThat(ping).as(String.valueOf(result.get())).isNotNull();
        assertThat(json.readTree(ping.body()).get("run_id").asText()).isEqualTo(TinySweep.trial().getString(0));
        assertThat(result.get().exitCode()).as(result.get().err()).isZero();
        assertThat(result.get().out()).contains("serving run " + TinySweep.trial().getString(0),
                "http://127.0.0.1:" + port + "/", "stopped serving");

        Cli.Result unknown = Cli.run("serve", "--results", TinySweep.results(), "--model", "nope", "--port",
                String.valueOf(port));
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).startsWith("error: no run_id or trial_id 'nope'");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Cli.Result busy = Cli.run("serve", "--results", TinySweep.results(), "--model", "best:" + TinySweep.EXPERIMENT,
                    "--port", String.valueOf(taken.getLocalPort()));
            assertThat(busy.exitCode()).isEqualTo(1);
            assertThat(busy.err()).startsWith("error: cannot listen on 127.0.0.1:" + taken.getLocalPort());
        }
    }

    /** 2,000 requests from 8 client threads, each a JSON test digit, within a time limit; none may fail. */
    @Test
    void aBoundedLoadTestAnswersEveryRequest() throws Exception {
        List<byte[]> bodies = IntStream.range(0, test.count()).mapToObj(i -> jsonBody(pixels(i))).toList();
        float[][] expected = model.probabilities(test.pixels(), test.count());
        for (int i = 0; i < 50; i++) { // warm-up: JIT, and the server's copies of the weights
            post(bodies.get(i), "application/json");
        }
        long[] latencies = new long[LOAD_REQUESTS];
        AtomicInteger next = new AtomicInteger();
        List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        ExecutorService clients = Executors.newFixedThreadPool(LOAD_CLIENTS);
        long started = System.nanoTime();
        List<Future<?>> running = new ArrayList<>();
        for (int c = 0; c < LOAD_CLIENTS; c++) {
            running.add(clients.submit(() -> {
                for (int n = next.getAndIncrement(); n < LOAD_REQUESTS; n = next.getAndIncrement()) {
                    int image = n % bodies.size();
                    long sent = System.nanoTime();
                    try {
                        HttpResponse<String> response = post(bodies.get(image), "application/json");
                        latencies[n] = System.nanoTime() - sent;
                        int label = response.statusCode() == 200 ? json.readTree(response.body()).get("label").asInt() : -1;
                        if (label != DigitModel.argMax(expected[image])) {
                            failures.add("request " + n + ": " + response.statusCode() + " " + response.body());
                        }
                    } catch (Exception e) {
                        failures.add("request " + n + ": " + e);
                    }
                }
                return null;
            }));
        }
        clients.shutdown();
        boolean finished = clients.awaitTermination(LOAD_LIMIT.toSeconds(), TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - started) / 1e9;
        clients.shutdownNow();
        assertThat(finished).as("all requests within " + LOAD_LIMIT).isTrue();
        for (Future<?> client : running) {
            client.get();
        }
        assertThat(failures).isEmpty();
        long[] sorted = latencies.clone();
        Arrays.sort(sorted);
        System.out.printf(Locale.ROOT, "serve load test: %d requests (JSON, 784 pixels) from %d client threads, %d server "
                        + "threads, in %.2f s: %.0f requests/s, latency p50 %.2f ms, p99 %.2f ms, max %.2f ms, 0 failed%n",
                LOAD_REQUESTS, LOAD_CLIENTS, 2, seconds, LOAD_REQUESTS / seconds, sorted[LOAD_REQUESTS / 2] / 1e6,
                sorted[(int) Math.ceil(LOAD_REQUESTS * 0.99) - 1] / 1e6, sorted[LOAD_REQUESTS - 1] / 1e6);
    }
}
