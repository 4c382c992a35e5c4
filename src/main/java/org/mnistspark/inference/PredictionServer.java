package org.mnistspark.inference;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A model behind HTTP, on the JDK's own server, following SageMaker's inference container contract:
 * <ul>
 * <li>{@code GET /ping}: 200 while the model is loaded;
 * <li>{@code POST /invocations}: one image or a batch, read by its {@code Content-Type}:
 *     {@code application/json} ({@code {"pixels": [784 numbers 0-255]}}, or a batch {@code {"instances":
 *     [image, …]}} or {@code [image, …]}: {@link JsonImages}), {@code application/x-npy} ({@link NpyImages}),
 *     {@code text/csv} ({@link CsvImages}), or {@code image/*}: a PNG, JPEG, GIF or BMP of a digit, any size
 *     ({@link DigitImages}). Without a type, or with a generic one, the body is taken as npy if it starts
 *     as one, as JSON if it starts with '{' or '[', else as an image. One image is answered with JSON
 *     {@code {"label": 7, "probabilities": [10 numbers], "run_id": …, "trial_id": …, "experiment": …}}, a
 *     batch with {@code {"predictions": [{"label": …, "probabilities": […]}, …], "run_id": …, …}}, one per
 *     image in order; {@code Accept: text/csv} answers a line {@code label,10 probabilities} per image;
 * <li>{@code GET /}: a page to draw a digit on and see the model's answer.
 * </ul>
 * A bad body gets 400, one too large 413, another {@code Content-Type} 415, an {@code Accept} of neither
 * JSON nor CSV 406, a full queue 503: always JSON {@code {"error": "..."}} saying what is wrong; nothing a
 * client sends stops the server.
 *
 * <p>Threads: {@code threads} request threads read requests, run the forward passes, one at a time
 * ({@link DynamicBatcher}: requests that arrive together share one), and write the answers; the JDK server's
 * one dispatcher thread accepts connections and waits for their next requests.
 */
public final class PredictionServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PredictionServer.class);
    /** Larger bodies get 413: a 28 × 28 digit needs a few kB, a phone photo a few MB. */
    static final int MAX_BODY = 16 << 20;
    /** Open connections; more are closed as they come. Each has at most one request in flight. */
    static final int MAX_CONNECTIONS = 256;

    static final int MAX_HEADERS = 100;
    static final int MAX_HEADER_BYTES = 16 << 10;
    /** A keep-alive connection without a request for this long is closed. */
    static final int IDLE_SECONDS = 60;
    /** To send a request, and to read its answer; a slower client's connection is closed. */
    static final int TRANSFER_SECONDS = 30;
    /** Images in one forward pass: DL4J's cost per image stops falling at about this many (measured). */
    static final int MAX_BATCH = 256;
    /** Images waiting for a forward pass (12 MB); a request beyond them gets 503. */
    static final int MAX_QUEUED = 16 * Invocation.MAX_IMAGES;

    public static final Duration DEFAULT_BATCH_WAIT = Duration.ofMillis(2);
    static final String PAGE = "draw.html";
    static final String APPLICATION_JSON = "application/json";
    static final String TEXT_CSV = "text/csv";
    static final String TYPES = "application/json, application/x-npy, text/csv or an image (image/png, image/jpeg, "
            + "image/gif, image/bmp)";

    static {
        // The JDK's server reads these once, when the JVM's first server starts; a -D of the same name wins.
        // Without nodelay, Nagle's algorithm holds each answer's body back until the client acknowledges its
        // headers, which a client delays by 40 ms: every request on a keep-alive connection took 44 ms.
        jdkServerDefault("sun.net.httpserver.nodelay", true);
        jdkServerDefault("jdk.httpserver.maxConnections", MAX_CONNECTIONS);
        jdkServerDefault("sun.net.httpserver.maxIdleConnections", MAX_CONNECTIONS);
        jdkServerDefault("sun.net.httpserver.idleInterval", IDLE_SECONDS);
        jdkServerDefault("sun.net.httpserver.maxReqHeaders", MAX_HEADERS);
        jdkServerDefault("sun.net.httpserver.maxReqHeaderSize", MAX_HEADER_BYTES);
        jdkServerDefault("sun.net.httpserver.maxReqTime", TRANSFER_SECONDS);
        jdkServerDefault("sun.net.httpserver.maxRspTime", TRANSFER_SECONDS);
    }

    private final SelectedModel selected;
    private final HttpServer server;
    private final ThreadPoolExecutor pool;
    private final DynamicBatcher batcher;
    private final Duration batchWait;
    private final ObjectMapper json = new ObjectMapper();
    private final byte[] page;

    private PredictionServer(
            DigitModel model, SelectedModel selected, HttpServer server, ThreadPoolExecutor pool, Duration batchWait)
            throws IOException {
        this.selected = selected;
        this.server = server;
        this.pool = pool;
        this.batchWait = batchWait;
        this.batcher = new DynamicBatcher(
                model::probabilities,
                MAX_BATCH,
                batchWait,
                pool.getCorePoolSize(),
                MAX_QUEUED,
                () -> pool.getQueue().size());
        try (InputStream in = PredictionServer.class.getResourceAsStream(PAGE)) {
            if (in == null) {
                throw new IOException("the drawing page " + PAGE + " is missing from the jar");
            }
            this.page = in.readAllBytes();
        }
    }

    private static void jdkServerDefault(String key, Object value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, String.valueOf(value));
        }
    }

    /** Starts serving on {@code host:port} (port 0: any free one) with {@code threads} request threads. */
    public static PredictionServer start(DigitModel model, SelectedModel selected, String host, int port, int threads)
            throws IOException {
        return start(model, selected, host, port, threads, DEFAULT_BATCH_WAIT);
    }

    /** The same, a request waiting at most {@code batchWait} for others to share its forward pass. */
    public static PredictionServer start(
            DigitModel model, SelectedModel selected, String host, int port, int threads, Duration batchWait)
            throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(host), port), 64);
        AtomicInteger number = new AtomicInteger();
        // Bounded: a connection has one request in flight at most, so more connections than this are never queued.
        ThreadPoolExecutor pool = new ThreadPoolExecutor(
                threads, threads, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(MAX_CONNECTIONS), task -> {
                    Thread thread = new Thread(task, "serve-" + number.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        PredictionServer serving = new PredictionServer(model, selected, server, pool, batchWait);
        server.createContext("/", serving::handle);
        server.setExecutor(pool);
        server.start();
        return serving;
    }

    /** The address it listens on. */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** Its batching and limits, in a sentence for the console. */
    public String describe() {
        return "requests that arrive together share a forward pass of up to " + MAX_BATCH + " images, each waiting at "
                + "most " + batchWait.toMillis() + " ms for others; bodies up to " + (MAX_BODY >> 20) + " MB and "
                + Invocation.MAX_IMAGES + " images, " + MAX_CONNECTIONS + " connections, idle ones closed after "
                + IDLE_SECONDS + " s";
    }

    @Override
    public void close() {
        server.stop(1);
        pool.shutdownNow();
        try {
            pool.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void handle(HttpExchange exchange) {
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        if (path.equals("/invocations") && method.equals("POST")) {
            invoke(exchange); // answered by the thread that runs its forward pass
            return;
        }
        try (exchange) {
            switch (path) {
                case "/ping" -> {
                    if (allowed(exchange, method, "GET")) {
                        ObjectNode answer = json.createObjectNode()
                                .put("status", "healthy")
                                .put("run_id", selected.runId())
                                .put("trial_id", selected.trialId())
                                .put("experiment", selected.experiment());
                        send(exchange, 200, APPLICATION_JSON, json.writeValueAsBytes(answer));
                    }
                }
                case "/invocations" -> allowed(exchange, method, "POST");
                case "/" -> {
                    if (allowed(exchange, method, "GET")) {
                        exchange.getResponseHeaders().set("Cache-Control", "no-store");
                        send(exchange, 200, "text/html; charset=utf-8", page);
                    }
                }
                default ->
                    error(
                            exchange,
                            404,
                            "no such path: " + path + " (there are GET /ping, POST /invocations " + "and GET /)");
            }
        } catch (Throwable e) { // one request's failure is never the server's
            failed(exchange, e);
        }
    }

    private boolean allowed(HttpExchange exchange, String method, String expected) throws IOException {
        if (method.equals(expected)) {
            return true;
        }
        exchange.getResponseHeaders().set("Allow", expected);
        error(exchange, 405, exchange.getRequestURI().getPath() + " takes " + expected + ", not " + method);
        return false;
    }

    private void invoke(HttpExchange exchange) {
        try {
            String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
            String accept = exchange.getRequestHeaders().getFirst("Accept");
            BodyType type = bodyType(contentType);
            String answerType = answerType(accept);
            if (type == null) {
                finish(exchange, 415, "Content-Type " + contentType + " is not taken: send " + TYPES);
                return;
            }
            if (answerType == null) {
                finish(
                        exchange,
                        406,
                        "Accept: " + accept + " names no type answered here: " + APPLICATION_JSON + " or " + TEXT_CSV);
                return;
            }
            Invocation invocation;
            batcher.readingStarted();
            try {
                invocation = decode(type, readBody(exchange));
            } catch (Throwable e) {
                batcher.readingStopped();
                throw e;
            }
            CompletableFuture<float[][]> predicted = new CompletableFuture<>();
            predicted.whenComplete((probabilities, failure) ->
                    answer(exchange, invocation.single(), answerType, probabilities, failure));
            if (!batcher.submit(invocation.pixels(), invocation.count(), predicted)) {
                exchange.getResponseHeaders().set("Retry-After", "1");
                finish(exchange, 503, "busy: " + MAX_QUEUED + " images wait for the model already; try again shortly");
            }
        } catch (InvalidInputException e) {
            finish(exchange, 400, e.getMessage());
        } catch (PayloadTooLargeException e) {
            finish(exchange, 413, e.getMessage());
        } catch (Throwable e) {
            failed(exchange, e);
        }
    }

    /** How the body is read, by its Content-Type; null for a type not taken. */
    enum BodyType {
        JSON,
        NPY,
        CSV,
        IMAGE,
        SNIFF
    }

    static BodyType bodyType(String contentType) {
        String type =
                contentType == null ? "" : contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        return switch (type) {
            case APPLICATION_JSON, "text/json" -> BodyType.JSON;
            case "application/x-npy" -> BodyType.NPY;
            case TEXT_CSV -> BodyType.CSV;
            // curl -d sends form-urlencoded; none of these says what the body is
            case "", "application/octet-stream", "application/x-www-form-urlencoded", "text/plain" -> BodyType.SNIFF;
            default -> type.startsWith("image/") ? BodyType.IMAGE : null;
        };
    }

    /** The answer's type by Accept: JSON unless CSV is preferred; null when neither is acceptable. */
    static String answerType(String accept) {
        if (accept == null || accept.isBlank()) {
            return APPLICATION_JSON;
        }
        double json = 0;
        double csv = 0;
        for (String range : accept.split(",")) {
            String[] parts = range.split(";");
            String type = parts[0].strip().toLowerCase(Locale.ROOT);
            double quality = 1;
            for (int i = 1; i < parts.length; i++) {
                String parameter = parts[i].strip();
                if (parameter.startsWith("q=")) {
                    try {
                        quality = Double.parseDouble(parameter.substring(2));
                    } catch (NumberFormatException e) {
                        quality = 0;
                    }
                }
            }
            if (type.equals(APPLICATION_JSON) || type.equals("application/*") || type.equals("*/*")) {
                json = Math.max(json, quality);
            }
            if (type.equals(TEXT_CSV) || type.equals("text/*") || type.equals("*/*")) {
                csv = Math.max(csv, quality);
            }
        }
        return json > 0 && json >= csv ? APPLICATION_JSON : csv > 0 ? TEXT_CSV : null;
    }

    private static byte[] readBody(HttpExchange exchange) throws IOException {
        String declared = exchange.getRequestHeaders().getFirst("Content-Length");
        long length = declared == null ? -1 : Long.parseLong(declared.strip()); // the JDK server checked it
        if (length > MAX_BODY) {
            throw tooLarge();
        }
        byte[] body = exchange.getRequestBody().readNBytes(length >= 0 ? (int) length : MAX_BODY + 1);
        if (body.length > MAX_BODY) {
            throw tooLarge();
        }
        return body;
    }

    private static PayloadTooLargeException tooLarge() {
        return new PayloadTooLargeException("the body is larger than " + (MAX_BODY >> 20) + " MB");
    }

    /** The images a body holds. */
    static Invocation decode(BodyType type, byte[] body) {
        int first = 0;
        while (first < body.length && Character.isWhitespace(body[first])) {
            first++;
        }
        if (first == body.length) {
            throw new InvalidInputException("the body is empty: send JSON {\"pixels\": [784 numbers 0-255]}, a batch, "
                    + "or a PNG of a digit; Content-Type " + TYPES);
        }
        if (type == BodyType.SNIFF) {
            type = NpyImages.isNpy(body)
                    ? BodyType.NPY
                    : body[first] == '{' || body[first] == '[' ? BodyType.JSON : BodyType.IMAGE;
        }
        return switch (type) {
            case JSON -> JsonImages.read(body);
            case NPY -> NpyImages.read(body);
            case CSV -> CsvImages.read(body);
            default -> Invocation.one(DigitImages.decode(body));
        };
    }

    private void answer(
            HttpExchange exchange, boolean single, String type, float[][] probabilities, Throwable failure) {
        if (failure != null) {
            failed(exchange, failure);
            return;
        }
        try (exchange) {
            send(exchange, 200, type, type.equals(TEXT_CSV) ? csv(probabilities) : json(single, probabilities));
        } catch (IOException | RuntimeException e) {
            LOG.debug("An answer was not delivered: {}", e.toString()); // the client left
        }
    }

    private byte[] json(boolean single, float[][] probabilities) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 * probabilities.length);
        try (JsonGenerator out = json.getFactory().createGenerator(bytes)) {
            out.writeStartObject();
            if (single) {
                prediction(out, probabilities[0]);
            } else {
                out.writeArrayFieldStart("predictions");
                for (float[] image : probabilities) {
                    out.writeStartObject();
                    prediction(out, image);
                    out.writeEndObject();
                }
                out.writeEndArray();
            }
            out.writeStringField("run_id", selected.runId());
            out.writeStringField("trial_id", selected.trialId());
            out.writeStringField("experiment", selected.experiment());
            out.writeEndObject();
        }
        return bytes.toByteArray();
    }

    private static void prediction(JsonGenerator out, float[] probabilities) throws IOException {
        out.writeNumberField("label", DigitModel.argMax(probabilities));
        out.writeArrayFieldStart("probabilities");
        for (float p : probabilities) {
            out.writeNumber(p);
        }
        out.writeEndArray();
    }

    /** One line per image: its label, then its 10 probabilities. */
    private static byte[] csv(float[][] probabilities) {
        StringBuilder lines = new StringBuilder(128 * probabilities.length);
        for (float[] image : probabilities) {
            lines.append(DigitModel.argMax(image));
            for (float p : image) {
                lines.append(',').append(p);
            }
            lines.append('\n');
        }
        return lines.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private void failed(HttpExchange exchange, Throwable e) {
        LOG.warn("Request {} {} failed: {}", exchange.getRequestMethod(), exchange.getRequestURI(), e.toString(), e);
        finish(exchange, 500, "internal error: " + e);
    }

    /** Answers an error and ends the exchange; a client that left is no one's problem. */
    private void finish(HttpExchange exchange, int status, String message) {
        try (exchange) {
            error(exchange, status, message);
        } catch (IOException | RuntimeException e) {
            LOG.debug("An error answer was not delivered: {}", e.toString());
        }
    }

    private void error(HttpExchange exchange, int status, String message) throws IOException {
        ObjectNode answer = json.createObjectNode().put("error", message);
        send(exchange, status, APPLICATION_JSON, json.writeValueAsBytes(answer));
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
