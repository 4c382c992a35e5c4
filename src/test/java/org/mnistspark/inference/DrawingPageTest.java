package org.mnistspark.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The drawing page in headless Chromium (Debian's {@code chromium}): digits are drawn on its canvas
 * through the page's own pointer-event handlers ({@code ?draw=} strokes), the page posts the canvas to
 * the server as any browser would, and the answer it shows is read from the DOM Chromium dumps. The
 * server and the browser talk over 127.0.0.1 only; Chromium runs with its background networking off.
 * Without Chromium the test fails: install it with {@code apt-get install -y chromium}.
 */
class DrawingPageTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final long BROWSER_LIMIT_SECONDS = 120;

    /** Strokes on the 280 × 280 canvas: "x,y x,y ..." per stroke, strokes separated by ';'. */
    static String ellipse(int cx, int cy, int rx, int ry) {
        List<String> points = new ArrayList<>();
        for (int i = 0; i <= 32; i++) {
            double a = 2 * Math.PI * i / 32;
            points.add(String.format(
                    Locale.ROOT, "%d,%d", Math.round(cx + rx * Math.sin(a)), Math.round(cy - ry * Math.cos(a))));
        }
        return String.join(" ", points);
    }

    @Test
    void digitsDrawnOnThePageAreAnsweredWithTheirLabels(@TempDir Path dir) throws Exception {
        assertThat(CHROMIUM)
                .as("headless Chromium is needed: apt-get install -y chromium")
                .isExecutable();
        Row trial = TinySweep.trial();
        SelectedModel selected = new SelectedModel(
                TinySweep.EXPERIMENT,
                trial.getString(1),
                trial.getString(0),
                trial.getString(2),
                trial.getDouble(5),
                trial.getDouble(6),
                trial.getLong(3),
                trial.getLong(4));
        try (PredictionServer server = PredictionServer.start(TinySweep.model(), selected, "127.0.0.1", 0, 2)) {
            String page = "http://127.0.0.1:" + server.address().getPort() + "/";
            List<Object[]> digits = List.of(
                    new Object[] {7, "70,60 150,58 210,60 170,150 130,240"},
                    new Object[] {1, "140,40 138,140 136,240"},
                    new Object[] {0, ellipse(140, 140, 60, 95)});
            for (Object[] digit : digits) {
                String url = page + "?draw=" + URLEncoder.encode((String) digit[1], StandardCharsets.UTF_8);
                String dom = dumpDom(dir, url);
                Matcher answer = Pattern.compile("<output id=\"label\"([^>]*)>([^<]*)</output>")
                        .matcher(dom);
                assertThat(answer.find()).as(dom).isTrue();
                assertThat(answer.group(1))
                        .as("the page got its answer: " + answer.group(0))
                        .contains("data-state=\"done\"");
                assertThat(answer.group(2)).as("the digit drawn as " + digit[1]).isEqualTo(String.valueOf(digit[0]));
                assertThat(dom).contains("run " + trial.getString(0));
            }
        }
    }

    /** The page's DOM after its scripts ran and its request was answered (virtual time waits for fetches). */
    static String dumpDom(Path dir, String url) throws Exception {
        Path profile = Files.createTempDirectory(dir, "chromium-profile");
        Path log = dir.resolve("chromium.log");
        Path dom = dir.resolve("dom.html");
        Process browser = new ProcessBuilder(
                        CHROMIUM.toString(),
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--disable-quic",
                        "--no-first-run",
                        "--disable-background-networking",
                        "--disable-component-update",
                        "--disable-sync",
                        "--disable-dev-shm-usage",
                        "--user-data-dir=" + profile,
                        "--virtual-time-budget=20000",
                        "--dump-dom",
                        url)
                .redirectOutput(dom.toFile())
                .redirectError(log.toFile())
                .start();
        try {
            if (!browser.waitFor(BROWSER_LIMIT_SECONDS, TimeUnit.SECONDS)) {
                fail("Chromium did not finish within " + BROWSER_LIMIT_SECONDS + " s; its log:\n"
                        + Files.readString(log));
            }
        } finally {
            browser.destroyForcibly();
        }
        assertThat(browser.exitValue()).as(Files.readString(log)).isZero();
        return Files.readString(dom);
    }
}
