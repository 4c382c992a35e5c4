package org.mnistspark.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.mnistspark.data.InvalidDataException;
import org.mnistspark.model.NativeRuntime;
import org.mnistspark.storage.Storage;

/**
 * The report: one self-contained HTML page (tables, and the charts as embedded PNGs, no other file, no
 * script) with the views of {@code notebooks/results.ipynb} for one experiment (and the table's latest
 * tuning job, when it has one), written to any Hadoop path whole or not at all.
 */
public final class Report {
    /** The page's file name when the output is a folder. */
    public static final String PAGE = "index.html";
    /** The tuning chart's alternative text. */
    public static final String TUNING_CHART = "Test accuracy at each rung of the tuning job";
    /** Wrongly classified test images shown. */
    public static final int MISCLASSIFIED_SHOWN = 60;

    private static final String STYLE = """
            body { font-family: sans-serif; margin: 2em auto; max-width: 70em; padding: 0 1em; color: #222; }
            h1 { font-size: 1.6em; } h2 { font-size: 1.25em; margin-top: 2em; border-bottom: 1px solid #ddd; }
            table { border-collapse: collapse; font-size: 0.85em; margin: 0.5em 0; }
            th, td { border: 1px solid #ccc; padding: 0.2em 0.5em; text-align: left; }
            th { background: #f3f3f3; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
            div.table { overflow-x: auto; }
            img { max-width: 100%; height: auto; display: block; margin: 0.5em 0; }
            .note { color: #666; } .missing { color: #8a4b00; }
            """;

    private final ResultViews views;
    private final String location;
    private final Configuration hadoop;

    /**
     * @param location the results table's location, shown on the page
     * @param hadoop   for the best trial's model and test images
     */
    public Report(ResultViews views, String location, Configuration hadoop) {
        this.views = views;
        this.location = location;
        this.hadoop = hadoop;
    }

    /** The page for {@code experiment}, whole, in memory. */
    public String html(String experiment) {
        StringBuilder page = new StringBuilder(
                        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<title>mnist-spark: ")
                .append(Html.escape(experiment))
                .append("</title>\n<style>\n")
                .append(STYLE)
                .append("</style>\n</head>\n<body>\n")
                .append("<h1>mnist-spark results: ")
                .append(Html.escape(experiment))
                .append("</h1>\n")
                .append("<p class=\"note\">Results table <code>")
                .append(Html.escape(location))
                .append("</code>; written ")
                .append(Instant.now().truncatedTo(ChronoUnit.SECONDS))
                .append(" by mnist-spark ")
                .append(Html.escape(NativeRuntime.applicationVersion()))
                .append(".</p>\n");

        page.append("<h2>Best configuration per experiment</h2>\n").append(Html.table(views.bestPerExperiment()));
        page.append("<h2>Trials of ")
                .append(Html.escape(experiment))
                .append("</h2>\n")
                .append(Html.table(views.trials(experiment)));

        page.append("<h2>Test accuracy against hidden channels</h2>\n");
        Dataset<Row> byHidden = views.accuracyByHiddenChannels(experiment);
        if (byHidden.isEmpty()) {
            page.append(missing("No succeeded trial in this experiment."));
        } else {
            page.append(Html.image(
                            Charts.png(Charts.accuracyByHiddenChannels(byHidden, experiment)),
                            "Test accuracy against hidden channels"))
                    .append(Html.table(byHidden));
        }

        page.append("<h2>Learning curves</h2>\n");
        Dataset<Row> curves = views.learningCurves(experiment);
        if (curves.isEmpty()) {
            page.append(missing("No epochs recorded in this experiment."));
        } else {
            page.append(Html.image(
                            Charts.png(Charts.accuracyCurves(curves, experiment)), "Test accuracy after each epoch"))
                    .append(Html.image(
                            Charts.png(Charts.lossCurves(curves, experiment)), "Test loss after each epoch"));
        }

        Optional<Row> best = views.bestTrial(experiment);
        page.append("<h2>Confusion matrix of the best trial</h2>\n");
        Dataset<Row> confusion = best.map(views::confusion).orElse(null);
        if (confusion == null) {
            page.append(missing("No succeeded trial in this experiment."));
        } else if (confusion.isEmpty()) {
            page.append(missing("Trial " + best.get().getAs("trial_id") + "'s rows record no confusion matrix "
                    + "(they were written before the job counted one)."));
        } else {
            page.append(Html.image(
                            Charts.png(Charts.confusionHeatMap(
                                    confusion, best.get().getAs("trial_id"))),
                            "Confusion matrix of the best trial"))
                    .append("<p>Precision, recall and F1 per digit in that epoch:</p>\n")
                    .append(Html.table(views.classes(best.get())));
        }

        page.append("<h2>Test images the best model gets wrong</h2>\n");
        if (best.isEmpty()) {
            page.append(missing("No succeeded trial in this experiment."));
        } else {
            page.append(misclassified(best.get()));
        }
        views.tuningJobFor(experiment).ifPresent(job -> page.append(tuning(job)));
        return page.append("</body>\n</html>\n").toString();
    }

    /** A tuning job's search: its best configuration, its rungs drawn and counted, and its compute beside the grids'. */
    private String tuning(String job) {
        return "<h2>Tuning job " + Html.escape(job) + "</h2>\n"
                + "<p>Its best configuration (the best finished rung) and the epochs it trained:</p>\n"
                + Html.table(views.tuning(job))
                + Html.image(Charts.png(Charts.tuningRungs(views.tuningRungs(job), job)), TUNING_CHART)
                + "<p>Per rung: configurations trained there, how many went on, test accuracy, epochs trained:</p>\n"
                + Html.table(views.tuningRungSummary(job))
                + "<p>Compute per experiment, grid sweeps and tuning jobs alike:</p>\n"
                + Html.table(views.compute());
    }

    private String misclassified(Row best) {
        Misclassified wrong;
        try {
            wrong = Misclassified.of(best, hadoop);
        } catch (IOException | InvalidDataException e) {
            return missing("Cannot show them: " + e.getMessage());
        }
        int shown = Math.min(MISCLASSIFIED_SHOWN, wrong.count());
        return "<p>" + Html.escape(wrong.summary())
                + (shown == 0 ? "" : " The first " + shown + " in test-set order, true label \u2192 predicted label:")
                + "</p>\n"
                + (shown == 0
                        ? ""
                        : Html.image(wrong.gridPng(MISCLASSIFIED_SHOWN), "Test images the best model gets wrong"));
    }

    private static String missing(String why) {
        return "<p class=\"missing\">" + Html.escape(why) + "</p>\n";
    }

    /** Fails now, naming the place, if the page cannot be written there: before the work of drawing it. */
    public static void checkWritable(String output, Configuration hadoop) throws IOException {
        Path dir = target(output).getParent();
        Storage.checkWritable(dir.getFileSystem(hadoop), dir);
    }

    private static Path target(String output) {
        return output.endsWith(".html") ? new Path(output) : new Path(new Path(output), PAGE);
    }

    /**
     * Writes the page whole or not at all: under a scratch name beside the target, then renamed over it
     * (an earlier page there is replaced).
     *
     * @param output a folder, where the page becomes {@value #PAGE}, or a file name ending in .html; any Hadoop path
     * @return the page's qualified path
     */
    public static String write(String html, String output, Configuration hadoop) throws IOException {
        Path target = target(output);
        FileSystem fs = target.getFileSystem(hadoop);
        Path qualified = fs.makeQualified(target);
        byte[] bytes = html.getBytes(StandardCharsets.UTF_8);
        Storage.writeThenRename(fs, qualified, out -> out.write(bytes), scratch -> {
            if (fs.exists(qualified) && !fs.delete(qualified, false)) { // rename does not replace on every store
                throw new IOException("cannot replace " + qualified);
            }
        });
        return qualified.toString();
    }
}
