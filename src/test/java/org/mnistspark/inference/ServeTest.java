package org.mnistspark.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.sql.Row;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnistspark.Cli;
import org.mnistspark.TestFiles;
import org.mnistspark.TestSpark;
import org.mnistspark.config.Optimizer;
import org.mnistspark.data.MnistDataset;
import org.mnistspark.data.MnistImages;
import org.mnistspark.model.CnnSpec;
import org.mnistspark.model.MnistCnn;
import org.mnistspark.storage.Storage;

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
    static final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    static final ObjectMapper json = new ObjectMapper();

    @BeforeAll
    static void serve() throws IOException {
        model = TinySweep.model();
        server = PredictionServer.start(model, selected(), "127.0.0.1", 0, 2);
        assertThat(server.address().getAddress().isLoopbackAddress()).isTrue();
        base = "http://127.0.0.1:" + server.address().getPort();
        test = MnistDataset.load(TestSpark.mnistDir().toString(), Storage.hadoopConfiguration())
                .test()
                .first(100);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static HttpResponse<String> get(String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(base + path))
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(byte[] body, String contentType) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(base + "/invocations"))
                        .timeout(Duration.ofSeconds(30))
                        .header("Content-Type", contentType)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static byte[] jsonBody(byte[] pixels) {
        return ("{\"pixels\": ["
                        + IntStream.range(0, pixels.length)
                                .mapToObj(i -> String.valueOf(pixels[i] & 0xFF))
                                .collect(Collectors.joining(","))
                        + "]}")
                .getBytes();
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
            HttpResponse<String> png =
                    post(DigitImagesTest.png(pixels(i), BufferedImage.TYPE_BYTE_GRAY, false), "image/png");
            HttpResponse<String> fromJson = post(jsonBody(pixels(i)), "application/json");
            assertThat(png.statusCode()).as(png.body()).isEqualTo(200);
            assertThat(fromJson.statusCode()).as(fromJson.body()).isEqualTo(200);
            for (JsonNode answer : List.of(json.readTree(png.body()), json.readTree(fromJson.body()))) {
                assertThat(answer.get("label").asInt()).isEqualTo(DigitModel.argMax(expected[i]));
                assertThat(answer.get("probabilities")).hasSize(10);
                for (int c = 0; c < 10; c++) {
                    assertThat(answer.get("probabilities").get(c).floatValue())
                            .isCloseTo(expected[i][c], within(1e-6f));
                }
            }
            right += json.readTree(png.body()).get("label").asInt() == test.label(i) ? 1 : 0;
        }
        assertThat(json.readTree(post(DigitImagesTest.png(pixels(0), BufferedImage.TYPE_BYTE_GRAY, false), "image/png")
                                .body())
                        .get("label")
                        .asInt())
                .as("test image 0 is a 7")
                .isEqualTo(test.label(0))
                .isEqualTo(7);
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
                new Object[] {"[1, 2, 3]".getBytes(), "application/json", "[0] is 1; an image is 784 numbers"},
                new Object[] {tooBright.getBytes(), "application/json", "\\\"pixels\\\"[0] is 256"},
                new Object[] {"{\"pixels\": [\"a\"]}".getBytes(), "application/json", "\\\"pixels\\\"[0] is \\\"a\\\""},
                new Object[] {"hello".getBytes(), "text/plain", "neither JSON nor an image"},
                new Object[] {Arrays.copyOf(png, 40), "image/png", "cannot be decoded"},
                new Object[] {DigitImagesTest.encode(blank), "image/png", "no digit"},
                new Object[] {DigitImagesTest.pngHeader(200_000, 200_000), "image/png", "200000x200000"});
        for (Object[] bad : cases) {
            HttpResponse<String> response = post((byte[]) bad[0], (String) bad[1]);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
            assertThat(response.body())
                    .as(new String((byte[]) bad[0]).substring(0, Math.min(20, ((byte[]) bad[0]).length)))
                    .startsWith("{\"error\":")
                    .contains((String) bad[2]);
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
        assertThat(page.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(page.body()).contains("<canvas id=\"pad\"", "invocations");
    }

    @Test
    void theServeCommandServesTheSelectedModelUntilStoppedAndRefusesWhatItCannotServe() throws Exception {
        int port = TestFiles.freeLoopbackPort();
        AtomicReference<Cli.Result> result = new AtomicReference<>();
        Thread command = new Thread(() -> result.set(Cli.run(
                "serve",
                "--results",
                TinySweep.results(),
                "--model",
                "best:" + TinySweep.EXPERIMENT,
                "--port",
                String.valueOf(port),
                "--threads",
                "2")));
        command.start();
        HttpResponse<String> ping = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (ping == null && System.nanoTime() < deadline && command.isAlive()) {
            try {
                ping = http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ping"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
            } catch (java.net.ConnectException notYet) {
                Thread.sleep(200);
            }
        }
        command.interrupt();
        command.join(TimeUnit.SECONDS.toMillis(30));
        assertThat(command.isAlive()).as("stopped when interrupted").isFalse();
        assertThat(ping).as(String.valueOf(result.get())).isNotNull();
        assertThat(json.readTree(ping.body()).get("run_id").asText())
                .isEqualTo(TinySweep.trial().getString(0));
        assertThat(result.get().exitCode()).as(result.get().err()).isZero();
        assertThat(result.get().out())
                .contains(
                        "serving run " + TinySweep.trial().getString(0),
                        "10 hidden channels",
                        "http://127.0.0.1:" + port + "/",
                        "2 request threads",
                        "batching: requests that arrive together share a forward pass of up to 256 images, each waiting at most "
                                + "2 ms for others",
                        "stopped serving");

        Cli.Result unknown =
                Cli.run("serve", "--results", TinySweep.results(), "--model", "nope", "--port", String.valueOf(port));
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).startsWith("error: no run_id or trial_id 'nope'");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Cli.Result busy = Cli.run(
                    "serve",
                    "--results",
                    TinySweep.results(),
                    "--model",
                    "best:" + TinySweep.EXPERIMENT,
                    "--port",
                    String.valueOf(taken.getLocalPort()));
            assertThat(busy.exitCode()).isEqualTo(1);
            assertThat(busy.err()).startsWith("error: cannot listen on 127.0.0.1:" + taken.getLocalPort());
        }
    }

    /** HTTP/1.1 by hand on one socket, so that every request is known to share one keep-alive connection. */
    static final class OneConnection implements AutoCloseable {
        record Response(int status, Map<String, String> headers, String body) {}

        final Socket socket;
        final BufferedInputStream in;

        OneConnection(int port) throws IOException {
            socket = new Socket(InetAddress.getLoopbackAddress(), port);
            socket.setSoTimeout(30_000);
            in = new BufferedInputStream(socket.getInputStream());
        }

        /** Sends the request in one write, as wrk does, and reads its answer. */
        Response post(byte[] body, String contentType, String... headers) throws IOException {
            ByteArrayOutputStream request = new ByteArrayOutputStream();
            request.writeBytes(("POST /invocations HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + contentType
                            + "\r\nContent-Length: " + body.length + "\r\n" + String.join("", headers) + "\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            request.writeBytes(body);
            socket.getOutputStream().write(request.toByteArray());
            return read();
        }

        /** The next answer; null if the server closed the connection instead. */
        Response read() throws IOException {
            String status = line();
            if (status == null) {
                return null;
            }
            Map<String, String> headers = new HashMap<>();
            for (String header = line(); header != null && !header.isEmpty(); header = line()) {
                headers.put(
                        header.substring(0, header.indexOf(':')).toLowerCase(Locale.ROOT),
                        header.substring(header.indexOf(':') + 1).strip());
            }
            byte[] body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
            return new Response(
                    Integer.parseInt(status.split(" ")[1]), headers, new String(body, StandardCharsets.UTF_8));
        }

        private String line() throws IOException {
            StringBuilder line = new StringBuilder();
            for (int c = in.read(); c != '\n'; c = in.read()) {
                if (c < 0) {
                    return line.length() == 0 ? null : line.toString();
                }
                line.append((char) c);
            }
            return line.toString().strip();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /**
     * One keep-alive connection, as wrk's and SageMaker's front end keep them: 100 answers in under 2 s. With
     * Nagle's algorithm on, each answer waited 44 ms for the client's delayed ACK: 4.4 s.
     */
    @Test
    void oneKeepAliveConnectionGets100AnswersInUnderTwoSeconds() throws Exception {
        float[][] expected = model.probabilities(test.pixels(), test.count());
        try (OneConnection connection = new OneConnection(server.address().getPort())) {
            for (int i = 0; i < 10; i++) { // warm-up: JIT
                assertThat(connection
                                .post(jsonBody(pixels(i)), "application/json")
                                .status())
                        .isEqualTo(200);
            }
            long started = System.nanoTime();
            for (int i = 0; i < 100; i++) {
                OneConnection.Response answer = connection.post(jsonBody(pixels(i)), "application/json");
                assertThat(answer.status()).as(answer.body()).isEqualTo(200);
                assertThat(answer.headers()).doesNotContainEntry("connection", "close");
                assertThat(json.readTree(answer.body()).get("label").asInt()).isEqualTo(DigitModel.argMax(expected[i]));
            }
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            System.out.printf(
                    Locale.ROOT,
                    "serve keep-alive test: 100 answers on one connection in %.3f s%n",
                    took.toNanos() / 1e9);
            assertThat(took).isLessThan(Duration.ofSeconds(2));
        }
    }

    /** Bodies of test digits: each batch format, and what each answer must say about them. */
    static Map<String, Object[]> batches(byte[] images, int count) {
        Map<String, Object[]> bodies = new LinkedHashMap<>();
        bodies.put("JSON instances", new Object[] {
            "application/json",
            ("{\"instances\": ["
                            + IntStream.range(0, count)
                                    .mapToObj(i -> "[" + RequestBodiesTest.numbers(images, i) + "]")
                                    .collect(Collectors.joining(","))
                            + "]}")
                    .getBytes(StandardCharsets.US_ASCII)
        });
        bodies.put("JSON list of {pixels}", new Object[] {
            "application/json",
            IntStream.range(0, count)
                    .mapToObj(i -> "{\"pixels\": " + RequestBodiesTest.rows(images, i) + "}")
                    .collect(Collectors.joining(",", "[", "]"))
                    .getBytes(StandardCharsets.US_ASCII)
        });
        bodies.put(
                "npy N x 28 x 28 uint8",
                new Object[] {"application/x-npy", RequestBodiesTest.npy("|u1", count + ", 28, 28", images)});
        bodies.put("npy N x 784 float32", new Object[] {
            "application/x-npy", RequestBodiesTest.npy("<f4", count + ", 784", RequestBodiesTest.floats(images))
        });
        bodies.put(
                "CSV",
                new Object[] {"text/csv", RequestBodiesTest.csv(images, count).getBytes(StandardCharsets.US_ASCII)});
        return bodies;
    }

    @Test
    void batchesAsJsonNpyAndCsvGetOnePredictionPerImageInOrder() throws Exception {
        int count = 20;
        byte[] images = Arrays.copyOf(test.pixels(), count * DigitModel.PIXELS);
        float[][] expected = model.probabilities(images, count);
        for (Map.Entry<String, Object[]> batch : batches(images, count).entrySet()) {
            String type = (String) batch.getValue()[0];
            byte[] body = (byte[]) batch.getValue()[1];
            HttpResponse<String> answer = post(body, type);
            assertThat(answer.statusCode())
                    .as(batch.getKey() + ": " + answer.body())
                    .isEqualTo(200);
            assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/json");
            JsonNode predictions = json.readTree(answer.body()).get("predictions");
            assertThat(predictions).as(batch.getKey()).hasSize(count);
            for (int i = 0; i < count; i++) {
                assertThat(predictions.get(i).get("label").asInt())
                        .as(batch.getKey() + " " + i)
                        .isEqualTo(DigitModel.argMax(expected[i]));
                for (int c = 0; c < 10; c++) {
                    assertThat(predictions.get(i).get("probabilities").get(c).floatValue())
                            .isCloseTo(expected[i][c], within(1e-5f));
                }
            }
            assertThat(json.readTree(answer.body()).get("run_id").asText())
                    .isEqualTo(TinySweep.trial().getString(0));

            HttpResponse<String> csv = http.send(
                    HttpRequest.newBuilder(URI.create(base + "/invocations"))
                            .header("Content-Type", type)
                            .header("Accept", "text/csv")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(csv.statusCode()).as(csv.body()).isEqualTo(200);
            assertThat(csv.headers().firstValue("Content-Type")).hasValue("text/csv");
            List<String> lines = csv.body().lines().toList();
            assertThat(lines).as(batch.getKey()).hasSize(count);
            for (int i = 0; i < count; i++) {
                String[] values = lines.get(i).split(",");
                assertThat(values).hasSize(11);
                assertThat(Integer.parseInt(values[0])).isEqualTo(DigitModel.argMax(expected[i]));
                assertThat(Float.parseFloat(values[1 + 7])).isCloseTo(expected[i][7], within(1e-5f));
            }
        }
    }

    @Test
    void badBatchesGetTheirReasonAsJsonAndTheServerGoesOn() throws Exception {
        byte[] images = Arrays.copyOf(test.pixels(), 3 * DigitModel.PIXELS);
        byte[] npy = RequestBodiesTest.npy("|u1", "3, 28, 28", images);
        byte[] notADictionary = npy.clone();
        notADictionary[10] = '[';
        List<String> csv =
                new ArrayList<>(RequestBodiesTest.csv(images, 3).lines().toList());
        csv.set(1, csv.get(1).substring(0, csv.get(1).lastIndexOf(',')));
        String oneImage = "[" + RequestBodiesTest.numbers(images, 0) + "]";
        List<Object[]> cases = List.of(
                new Object[] {
                    notADictionary,
                    "application/x-npy",
                    "*/*",
                    400,
                    "the npy header is not a dictionary of 'descr', 'fortran_order' and 'shape'"
                },
                new Object[] {
                    Arrays.copyOf(npy, 1000),
                    "application/x-npy",
                    "*/*",
                    400,
                    "the npy data is 872 bytes; shape (3, 28, 28) of |u1 needs 2352"
                },
                new Object[] {
                    String.join("\n", csv).getBytes(StandardCharsets.US_ASCII),
                    "text/csv",
                    "*/*",
                    400,
                    "line 2 has 783 values; an image is 784"
                },
                new Object[] {
                    RequestBodiesTest.npy("|u1", "1025, 784", new byte[1025 * DigitModel.PIXELS]),
                    "application/x-npy",
                    "*/*",
                    413,
                    "the body holds 1025 images; at most 1024 are taken per request"
                },
                new Object[] {
                    ("[" + String.join(",", Collections.nCopies(1025, oneImage)) + "]").getBytes(),
                    "application/json",
                    "*/*",
                    413,
                    "the body holds more than 1024 images"
                },
                new Object[] {
                    npy,
                    "application/xml",
                    "*/*",
                    415,
                    "Content-Type application/xml is not taken: send "
                            + "application/json, application/x-npy, text/csv or an image"
                },
                new Object[] {
                    npy,
                    "application/x-npy",
                    "application/xml",
                    406,
                    "Accept: application/xml names no type answered here: application/json or text/csv"
                });
        for (Object[] bad : cases) {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create(base + "/invocations"))
                            .header("Content-Type", (String) bad[1])
                            .header("Accept", (String) bad[2])
                            .POST(HttpRequest.BodyPublishers.ofByteArray((byte[]) bad[0]))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(bad[3]);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
            assertThat(json.readTree(response.body()).get("error").asText()).contains((String) bad[4]);
        }
        assertThat(post(npy, "application/x-npy").statusCode()).isEqualTo(200);
    }

    /** Too many headers: the JDK server closes the connection unanswered; the next one is served. */
    @Test
    void tooManyHeadersCloseTheConnection() throws Exception {
        String[] headers = IntStream.range(0, PredictionServer.MAX_HEADERS + 1)
                .mapToObj(i -> "X-Header-" + i + ": 1\r\n")
                .toArray(String[]::new);
        try (OneConnection connection = new OneConnection(server.address().getPort())) {
            assertThat(connection.post(jsonBody(pixels(0)), "application/json", headers))
                    .isNull();
        }
        try (OneConnection connection = new OneConnection(server.address().getPort())) {
            assertThat(connection.post(jsonBody(pixels(0)), "application/json").status())
                    .isEqualTo(200);
        }
    }

    /**
     * The model is read once, at start: overwriting its file with another model's, then deleting it, while
     * clients keep asking, changes no answer.
     */
    @Test
    void replacingTheModelFileWhileServingChangesNothing(@TempDir Path dir) throws Exception {
        Row trial = TinySweep.trial();
        Path file = dir.resolve("model.zip");
        SelectedModel copy = new SelectedModel(
                TinySweep.EXPERIMENT,
                trial.getString(1),
                trial.getString(0),
                file.toString(),
                trial.getDouble(5),
                trial.getDouble(6),
                trial.getLong(3),
                trial.getLong(4));
        Files.write(file, ModelFile.read(selected(), Storage.hadoopConfiguration()));
        DigitModel served = ModelFile.load(copy, Storage.hadoopConfiguration());
        ByteArrayOutputStream other = new ByteArrayOutputStream();
        ModelSerializer.writeModel(
                MnistCnn.create(new CnnSpec(10, 5, 0.0, Optimizer.SGD, 0.01, 0.5, 99)), other, false);
        int count = 10;
        byte[] images = Arrays.copyOf(test.pixels(), count * DigitModel.PIXELS);
        float[][] expected = served.probabilities(images, count);
        float[][] replaced = ModelFile.restore(copy, other.toByteArray()).probabilities(images, count);
        assertThat(IntStream.range(0, count)
                        .map(i -> DigitModel.argMax(replaced[i]))
                        .toArray())
                .as("the other model answers otherwise")
                .isNotEqualTo(IntStream.range(0, count)
                        .map(i -> DigitModel.argMax(expected[i]))
                        .toArray());
        byte[] body = (byte[]) batches(images, count).get("npy N x 28 x 28 uint8")[1];

        try (PredictionServer serving = PredictionServer.start(served, copy, "127.0.0.1", 0, 2)) {
            String url = "http://127.0.0.1:" + serving.address().getPort() + "/invocations";
            AtomicInteger answers = new AtomicInteger();
            AtomicBoolean stop = new AtomicBoolean();
            List<String> wrong = Collections.synchronizedList(new ArrayList<>());
            ExecutorService clients = Executors.newFixedThreadPool(4);
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                running.add(clients.submit(() -> {
                    while (!stop.get()) {
                        HttpResponse<String> response = http.send(
                                HttpRequest.newBuilder(URI.create(url))
                                        .header("Content-Type", "application/x-npy")
                                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                        JsonNode predictions = json.readTree(response.body()).get("predictions");
                        for (int i = 0; i < count; i++) {
                            float[] p = new float[10];
                            for (int k = 0; k < 10; k++) {
                                p[k] = predictions
                                        .get(i)
                                        .get("probabilities")
                                        .get(k)
                                        .floatValue();
                            }
                            if (Math.abs(p[7] - expected[i][7]) > 1e-5f
                                    || DigitModel.argMax(p) != DigitModel.argMax(expected[i])) {
                                wrong.add("image " + i + ": " + response.body());
                            }
                        }
                        answers.incrementAndGet();
                    }
                    return null;
                }));
            }
            awaitAnswers(answers, 20, running);
            Files.write(file, other.toByteArray()); // replaced in place
            awaitAnswers(answers, answers.get() + 20, running);
            Files.delete(file);
            awaitAnswers(answers, answers.get() + 20, running);
            stop.set(true);
            clients.shutdown();
            for (Future<?> client : running) {
                client.get(60, TimeUnit.SECONDS);
            }
            assertThat(wrong).isEmpty();
            HttpResponse<String> ping = http.send(
                    HttpRequest.newBuilder(URI.create(url.replace("invocations", "ping")))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(json.readTree(ping.body()).get("run_id").asText()).isEqualTo(trial.getString(0));
        }
    }

    /** Waits until the clients have {@code target} answers; fails if one fails or a minute passes. */
    static void awaitAnswers(AtomicInteger answers, int target, List<Future<?>> clients) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (answers.get() < target) {
            for (Future<?> client : clients) {
                if (client.isDone()) {
                    client.get(); // its exception
                }
            }
            assertThat(System.nanoTime()).as("answers within a minute").isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    static SelectedModel selected() {
        Row trial = TinySweep.trial();
        return new SelectedModel(
                TinySweep.EXPERIMENT,
                trial.getString(1),
                trial.getString(0),
                trial.getString(2),
                trial.getDouble(5),
                trial.getDouble(6),
                trial.getLong(3),
                trial.getLong(4));
    }

    /** 2,000 requests from 8 client threads, each a JSON test digit, within a time limit; none may fail. */
    @Test
    void aBoundedLoadTestAnswersEveryRequest() throws Exception {
        List<byte[]> bodies = IntStream.range(0, test.count())
                .mapToObj(i -> jsonBody(pixels(i)))
                .toList();
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
                        int label = response.statusCode() == 200
                                ? json.readTree(response.body()).get("label").asInt()
                                : -1;
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
        System.out.printf(
                Locale.ROOT,
                "serve load test: %d requests (JSON, 784 pixels) from %d client threads, %d server "
                        + "threads, in %.2f s: %.0f requests/s, latency p50 %.2f ms, p99 %.2f ms, max %.2f ms, 0 failed%n",
                LOAD_REQUESTS,
                LOAD_CLIENTS,
                2,
                seconds,
                LOAD_REQUESTS / seconds,
                sorted[LOAD_REQUESTS / 2] / 1e6,
                sorted[(int) Math.ceil(LOAD_REQUESTS * 0.99) - 1] / 1e6,
                sorted[LOAD_REQUESTS - 1] / 1e6);
    }
}
