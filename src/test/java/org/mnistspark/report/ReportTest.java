package org.mnistspark.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.mnistspark.Cli;
import org.mnistspark.TestSpark;
import org.mnistspark.config.Hyperparameters;
import org.mnistspark.results.EpochRecord;
import org.mnistspark.results.Records;
import org.mnistspark.results.ResultsTable;
import org.mnistspark.results.Status;
import org.mnistspark.results.TrialRecord;

/**
 * The report command on a table of hand-made rows (no saved models; ResultsViewsIT has a real sweep's):
 * which experiment it shows, its tables and charts, and that the page is written whole or not at all.
 */
class ReportTest {
    @TempDir
    static Path dir;

    static Path results;

    static final Pattern IMAGE =
            Pattern.compile("<img src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\" alt=\"([^\"]*)\">");

    @BeforeAll
    static void table() throws Exception {
        results = dir.resolve("results");
        ResultsTable table = new ResultsTable(TestSpark.session(), results.toString());
        for (TrialRecord trial : List.of(
                trial("older", "o-1", 5, List.of(0.91, 0.93), "2026-11-20T08:00:00Z"),
                trial("newer", "n-h2", 2, List.of(0.90, 0.95), "2026-11-21T08:00:00Z"),
                trial("newer", "n-h5", 5, List.of(0.92, 0.96), "2026-11-21T08:05:00Z"),
                trial("newer", "n-h5-lr", 5, List.of(0.93, 0.94), "2026-11-21T08:10:00Z"))) {
            table.commit(trial, Records.epochs(trial));
        }
    }

    /** A trial of hidden channels {@code hidden} (learning rate 0.02 for ids ending in -lr) that finished then. */
    static TrialRecord trial(String experiment, String id, int hidden, List<Double> accuracy, String finished) {
        double lr = id.endsWith("-lr") ? 0.02 : 0.01;
        TrialRecord.Outcome outcome = Records.outcome(
                accuracy,
                Instant.parse(finished),
                dir.resolve("models/" + id + ".zip").toUri().toString()); // the model is never written
        return new TrialRecord(
                experiment,
                id,
                id + "-run",
                Status.SUCCEEDED,
                Records.spec(hidden, accuracy.size()).with(Hyperparameters.LEARNING_RATE, lr),
                32,
                new TrialRecord.Setup(0, 10_000L, 0.1307, 0.3081),
                new TrialRecord.Provenance(TestSpark.mnistDir().toUri().toString(), Map.of(), "local[2]", "0.1.0"),
                outcome,
                null);
    }

    /** The page's embedded images, decoded: alt text → image. */
    static Map<String, BufferedImage> images(String html) throws Exception {
        Map<String, BufferedImage> images = new java.util.LinkedHashMap<>();
        Matcher matcher = IMAGE.matcher(html);
        while (matcher.find()) {
            BufferedImage image =
                    ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(matcher.group(1))));
            assertThat(image).as("PNG " + matcher.group(2)).isNotNull();
            images.put(matcher.group(2), image);
        }
        return images;
    }

    @Test
    void withoutAnExperimentItShowsTheOneThatFinishedLastInAFolder() throws Exception {
        Path output = dir.resolve("reports/day-1");
        Cli.Result result = Cli.run("report", "--results", results.toString(), "--output", output.toString());
        assertThat(result.exitCode()).as(result.err()).isZero();
        Path page = output.resolve(Report.PAGE);
        assertThat(result.out()).contains("Report of experiment newer written to file:" + page);
        String html = Files.readString(page);

        assertThat(html)
                .startsWith("<!DOCTYPE html>")
                .contains("<title>mnist-spark: newer</title>")
                .contains("<h2>Best configuration per experiment</h2>", "o-1", "n-h5")
                .contains("<h2>Trials of newer</h2>", "n-h5-lr")
                .doesNotContain("<script", "http://", "https://"); // self-contained: nothing to fetch or run
        Map<String, BufferedImage> images = images(html);
        assertThat(images.keySet())
                .containsExactly(
                        "Test accuracy against hidden channels",
                        "Test accuracy after each epoch",
                        "Test loss after each epoch",
                        "Confusion matrix of the best trial");
        for (String chart : List.of("Test accuracy against hidden channels", "Test accuracy after each epoch")) {
            assertThat(images.get(chart).getWidth()).isEqualTo(Charts.WIDTH);
            assertThat(images.get(chart).getHeight()).isEqualTo(Charts.HEIGHT);
        }
        assertThat(images.get("Confusion matrix of the best trial").getHeight()).isEqualTo(Charts.CONFUSION_SIDE);
        // n-h5's last epoch: 9,600 of 10,000 right, so digit 0's precision and recall are 0.96 (Records.confusion).
        assertThat(html).contains("Precision, recall and F1 per digit", "<td class=\"n\">0.96</td>");
        // The model files do not exist: the section says so instead of failing the page.
        assertThat(html).contains("Cannot show them: the model of trial n-h5 is gone");
        assertThat(output).isDirectoryNotContaining("glob:**/.*.tmp");
    }

    @Test
    void aVersionOneTableWithoutConfusionMatricesOrModelsStillGetsItsPage() throws Exception {
        Path page = dir.resolve("v1/report.html");
        Cli.Result result =
                Cli.run("report", "--results", "src/test/resources/results-v1", "--output", page.toString());
        assertThat(result.exitCode()).as(result.err()).isZero();
        String html = Files.readString(page);
        assertThat(html).contains("fixture-v1", "record no confusion matrix", "Cannot show them");
        assertThat(images(html).keySet())
                .containsExactly(
                        "Test accuracy against hidden channels",
                        "Test accuracy after each epoch",
                        "Test loss after each epoch");
    }

    @Test
    void aTableWithATuningJobGetsItsRungsChartedAndCounted() throws Exception {
        Path tuned = dir.resolve("tuned");
        ResultsTable table = new ResultsTable(TestSpark.session(), tuned.toString());
        TrialRecord grid = trial("grid", "g-1", 10, List.of(0.95, 0.96), "2026-11-20T08:00:00Z");
        table.commit(grid, Records.epochs(grid));
        // Three configurations of 1 epoch; the best (2) goes on to 3 epochs from its model.
        for (TrialRecord rung : List.of(
                Records.rung("job", 1, 0, Status.STOPPED, List.of(0.95), 1, null),
                Records.rung("job", 2, 0, Status.STOPPED, List.of(0.97), 1, null),
                Records.rung("job", 3, 0, Status.STOPPED, List.of(0.93), 1, null),
                Records.rung("job", 2, 1, Status.SUCCEEDED, List.of(0.97, 0.98, 0.99), 2, "run-c2r0"))) {
            List<EpochRecord> epochs = Records.epochs(rung);
            table.commit(rung, epochs.subList(epochs.size() - rung.tuning().epochsTrained(), epochs.size()));
        }

        ResultViews views = ResultViews.of(TestSpark.session(), tuned.toString());
        assertThat(views.tuningJobFor("grid")).contains("job"); // the latest tuning job beside a grid
        XYChart chart = Charts.tuningRungs(views.tuningRungs("job"), "job");
        assertThat(chart.getSeriesMap()).hasSize(3);
        // Only the configuration that went on is named in the legend; it has a point per rung.
        assertThat(chart.getSeriesMap().values().stream()
                        .filter(XYSeries::isShowInLegend)
                        .map(XYSeries::getName))
                .containsExactly("#2 h=16");
        assertThat(chart.getSeriesMap().get("#2 h=16").getXData()).containsExactly(1.0, 3.0);

        Cli.Result result = Cli.run(
                "report",
                "--results",
                tuned.toString(),
                "--output",
                dir.resolve("tuned-report").toString(),
                "--experiment",
                "grid");
        assertThat(result.exitCode()).as(result.err()).isZero();
        String html = Files.readString(dir.resolve("tuned-report").resolve(Report.PAGE));
        assertThat(html).contains("<h2>Tuning job job</h2>");
        assertThat(images(html)).containsKey(Report.TUNING_CHART);
        // The rung summary: 3 configurations at rung 0, 1 promoted; 2 epochs at rung 1; 5 epochs in all.
        assertThat(Html.table(views.tuningRungSummary("job"))).contains("<td class=\"n\">3</td><td class=\"n\">1</td>");
        assertThat(views.compute().where("experiment = 'job'").first().<Long>getAs("epochs_trained"))
                .isEqualTo(5L);
    }

    @Test
    void theBestTrialOfEachHiddenChannelCountIsCharted() throws Exception {
        ResultViews views = ResultViews.of(TestSpark.session(), results.toString());
        assertThat(Html.table(views.accuracyByHiddenChannels("newer")))
                .contains("n-h2", "n-h5")
                .doesNotContain("n-h5-lr") // 0.94 < 0.96 at h = 5
                .contains("<td class=\"n\">0.925</td>"); // h = 2: the average of 0.90 and 0.95
        assertThat(views.experiments()).containsExactly("newer", "older");
    }

    @Test
    void curvesAreLabelledWithTheHyperparametersThatDiffer() throws Exception {
        ResultViews views = ResultViews.of(TestSpark.session(), results.toString());
        Map<String, String> labels = Charts.labels(
                views.learningCurves("newer").dropDuplicates("run_id").collectAsList());
        assertThat(labels).containsEntry("n-h2-run", "h=2 lr=0.01").containsEntry("n-h5-lr-run", "h=5 lr=0.02");
    }

    @Test
    void anExperimentCanBeChosenAndAFileNamedAndAnEarlierPageIsReplaced() throws Exception {
        Path page = dir.resolve("named/older.html");
        Files.createDirectories(page.getParent());
        Files.writeString(page, "an earlier page");
        Cli.Result result = Cli.run(
                "report", "--results", results.toString(), "--output", page.toString(), "--experiment", "older");
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(Files.readString(page))
                .contains("<h1>mnist-spark results: older</h1>")
                .doesNotContain("n-h5-lr");
        assertThat(page.getParent()).isDirectoryNotContaining("glob:**/.*.tmp");
    }

    @Test
    void anUnknownExperimentIsOneLineNamingTheKnownOnesAndWritesNothing() {
        Path output = dir.resolve("unknown");
        Cli.Result result = Cli.run(
                "report", "--results", results.toString(), "--output", output.toString(), "--experiment", "nope");
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err().strip())
                .isEqualTo("error: the results table " + results + " has no experiment 'nope'; it has newer, older");
        assertThat(output).doesNotExist();
    }

    @Test
    void anUnwritableOutputIsAnErrorNamingItAndLeavesNothing() throws Exception {
        Path file = dir.resolve("a-file");
        Files.writeString(file, "not a folder");
        Cli.Result result = Cli.run(
                "report",
                "--results",
                results.toString(),
                "--output",
                file.resolve("report").toString());
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).startsWith("error: ").contains("a-file");
        assertThat(Files.readString(file)).isEqualTo("not a folder");
    }

    @Test
    void anEmptyTableIsAnError() {
        Path output = dir.resolve("empty-report");
        Cli.Result result =
                Cli.run("report", "--results", dir.resolve("no-table").toString(), "--output", output.toString());
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err().strip())
                .isEqualTo("error: the results table " + dir.resolve("no-table") + " has no trials");
        assertThat(output).doesNotExist();
    }

    @Test
    void helpNamesItsOptionsWithoutSpark() {
        Cli.Result help = Cli.run(
                () -> {
                    throw new AssertionError("help needs no Spark");
                },
                "report",
                "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("Usage: mnist-spark report", "--output", "--experiment", "--results", "--conf");
    }
}
