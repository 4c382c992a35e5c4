package org.mnistspark.inference;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A model behind HTTP, on the JDK's own server, following SageMaker's inference container contract:
 * <ul>
 * <li>{@code GET /ping}: 200 while the model is loaded;
 * <li>{@code POST /invocations}: a PNG of a digit (or JPEG, GIF, BMP; any size, see {@link DigitImages})
 *     or JSON {@code {"pixels": [784 numbers 0-255]}} (row by row, white digit on black); the answer is
 *     JSON {@code {"label": 7, "probabilities": [10 numbers], "run_id": ..., "trial_id": ...,
 *     "experiment": ...}};
 * <li>{@code GET /}: a page to draw a digit on and see the model's answer.
 * </ul>
 * A bad body gets 400 and a JSON {@code {"error": "..."}} saying what is wrong; nothing a client sends
 * stops the server. Requests run on a fixed pool of threads, each predicting with its own copy of the
 * weights ({@link DigitModel}).
 */
public final class PredictionServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PredictionServer.class);
    /** Larger bodies get 413: a 28 × 28 digit needs a few kB, a phone photo a few MB. */
    static final int MAX_BODY = 16 << 20;
    static final String PAGE = "draw.html";

    private final DigitModel model;
    private final SelectedModel selected;
    private final HttpServer server;
    private final ExecutorService pool;
    private final ObjectMapper json = new ObjectMapper();
    private final byte[] page;

    private PredictionServer(DigitModel model, SelectedModel selected, HttpServer server, ExecutorService pool)
            throws IOException {
        this.model = model;
        this.selected = selected;
        this.server = server;
        this.pool = pool;
        try (InputStream in = PredictionServer.class.getResourceAsStream(PAGE)) {
            if (in == null) {
                throw new IOException("the drawing page " + PAGE + " is missing from the jar");
            }
            this.page = in.readAllBytes();
        }
    }

    /**
     * Starts serving on {@code host:port} (port 0: any free one) with {@code threads} request threads.
     */
    public static PredictionServer start(DigitModel model, SelectedModel selected, String host, int port, int threads)
            throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(host), port), 64);
        AtomicInteger number = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads, task -> {
            Thread thread = new Thread(task, "serve-" + number.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        PredictionServer serving = new PredictionServer(model, selected, server, pool);
        server.createContext("/", serving::handle);
        server.setExecutor(pool);
        server.start();
        return serving;
    }

    /** The address it listens on. */
    public InetSocketAddress address() {
        return server.getAddress();
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
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            switch (path) {
                case "/ping" -> {
                    if (allowed(exchange, method, "GET")) {
                        ObjectNode answer = json.createObjectNode().put("status", "healthy");
                        send(exchange, 200, modelIds(answer));
                    }
                }
                case "/invocations" -> {
                    if (allowed(exchange, method, "POST")) {
                        invoke(exchange);
                    }
                }
                case "/" -> {
                    if (allowed(exchange, method, "GET")) {
                        exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
                        exchange.getResponseHeaders().set("Cache-Control", "no-store");
                        exchange.sendResponseHeaders(200, page.length);
                        exchange.getResponseBody().write(page);
                    }
                }
                default -> error(exchange, 404, "no such path: " + path + " (there are GET /ping, POST /invocations "
                        + "and GET /)");
            }
        } catch (Throwable e) { // one request's failure is never the server's
            LOG.warn("Request {} {} failed: {}", exchange.getRequestMethod(), exchange.getRequestURI(), e.toString(), e);
            try {
                error(exchange, 500, "internal error: " + e);
            } catch (IOException | RuntimeException ignored) {
                // the headers were sent already, or the client left
            }
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

    private void invoke(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readNBytes(MAX_BODY + 1);
        if (body.length > MAX_BODY) {
            error(exchange, 413, "the body is larger than " + (MAX_BODY >> 20) + " MB");
            return;
        }
        byte[] pixels;
        try {
            pixels = pixels(body);
        } catch (InvalidInputException e) {
            error(exchange, 400, e.getMessage());
            return;
        }
        float[] probabilities = model.probabilities(pixels, 1)[0];
        ObjectNode answer = json.createObjectNode().put("label", DigitModel.argMax(probabilities));
        ArrayNode values = answer.putArray("probabilities");
        for (float p : probabilities) {
            values.add(p);
        }
        send(exchange, 200, modelIds(answer));
    }

    /** The 784 pixels a body holds: JSON if it starts with '{', else an image. */
    byte[] pixels(byte[] body) {
        int first = 0;
        while (first < body.length && Character.isWhitespace(body[first])) {
            first++;
        }
        if (first == body.length) {
            throw new InvalidInputException("the body is empty: send a PNG of a digit or JSON {\"pixels\": [784 "
                    + "numbers 0-255]}");
        }
        if (body[first] == '{' || body[first] == '[') {
            return jsonPixels(body);
        }
        return DigitImages.decode(body);
    }

    private byte[] jsonPixels(byte[] body) {
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (JsonProcessingException e) {
            throw new InvalidInputException("the body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new InvalidInputException("the body is not valid JSON: " + e.getMessage());
        }
        JsonNode values = root.isObject() ? root.get("pixels") : null;
        if (values == null || !values.isArray()) {
            throw new InvalidInputException("the JSON needs \"pixels\": an array of 784 numbers 0-255, the 28x28 "
                    + "image row by row, white digit on black");
        }
        if (values.size() != DigitModel.PIXELS) {
            throw new InvalidInputException("\"pixels\" has " + values.size() + " values; an image is "
                    + DigitModel.PIXELS + " (28x28, row by row)");
        }
        byte[] pixels = new byte[DigitModel.PIXELS];
        for (int i = 0; i < pixels.length; i++) {
            JsonNode value = values.get(i);
            if (!value.isNumber() || !(value.asDouble() >= 0 && value.asDouble() <= 255)) {
                throw new InvalidInputException("\"pixels\"[" + i + "] is " + value + "; pixels are numbers 0-255");
            }
            pixels[i] = (byte) Math.round(value.asDouble());
        }
        return pixels;
    }

    private ObjectNode modelIds(ObjectNode answer) {
        return answer.put("run_id", selected.runId()).put("trial_id", selected.trialId())
                .put("experiment", selected.experiment());
    }

    private void error(HttpExchange exchange, int status, String message) throws IOException {
        send(exchange, status, json.createObjectNode().put("error", message));
    }

    private void send(HttpExchange exchange, int status, ObjectNode answer) throws IOException {
        byte[] bytes = json.writeValueAsString(answer).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
