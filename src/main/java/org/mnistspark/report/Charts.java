package org.mnistspark.report;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.mnistspark.config.Hyperparameter;
import org.mnistspark.results.BestOrder;
import org.mnistspark.results.Status;
import org.mnistspark.results.Views;

/**
 * The charts of the notebook and the report, drawn with XChart from the rows of {@link ResultViews}.
 * {@link #image} gives what a notebook cell displays, {@link #png} what the report embeds.
 */
public final class Charts {
    public static final int WIDTH = 820;
    public static final int HEIGHT = 440;
    /** Learning curves of more trial runs than this show only the best ones: a legend of 48 says nothing. */
    public static final int MAX_CURVES = 10;
    /** The confusion matrix's height; its width adds the colour scale. */
    public static final int CONFUSION_SIDE = 560;

    private Charts() {}

    /**
     * Test accuracy against hidden channels: per hidden-channel count, the minimum, maximum, average and
     * last of its best trial's per-epoch test accuracy (the figures SageMaker Experiments showed).
     *
     * @param byHidden rows of {@link ResultViews#accuracyByHiddenChannels}
     */
    public static CategoryChart accuracyByHiddenChannels(Dataset<Row> byHidden, String experiment) {
        List<Row> rows = byHidden.collectAsList();
        CategoryChart chart = lineChart(
                "Test accuracy against hidden channels (" + experiment + ")",
                "hidden channels (best trial of each)",
                "test accuracy");
        List<String> x = rows.stream()
                .map(r -> String.valueOf((Object) r.getAs("hidden_channels")))
                .toList();
        for (String statistic : List.of("min", "max", "avg", "last")) {
            List<Double> y = rows.stream()
                    .map(r -> (Double) r.getAs("test_accuracy_" + statistic))
                    .toList();
            chart.addSeries(statistic + " over epochs", x, y);
        }
        return chart;
    }

    /**
     * Test accuracy after each epoch, one line per trial run, labelled by the hyperparameters that differ
     * between the experiment's trials; the {@value #MAX_CURVES} best runs when there are more.
     *
     * @param curves rows of {@link ResultViews#learningCurves}
     */
    public static CategoryChart accuracyCurves(Dataset<Row> curves, String experiment) {
        return curves(
                curves.collectAsList(), "test_accuracy", "Test accuracy after each epoch", "test accuracy", experiment);
    }

    /** Test loss (mean negative log-likelihood, dropout off) after each epoch, like {@link #accuracyCurves}. */
    public static CategoryChart lossCurves(Dataset<Row> curves, String experiment) {
        return curves(curves.collectAsList(), "test_loss", "Test loss after each epoch", "test loss", experiment);
    }

    private static CategoryChart curves(List<Row> rows, String column, String title, String yTitle, String experiment) {
        Map<String, List<Row>> byRun = new LinkedHashMap<>();
        for (Row row : rows) {
            byRun.computeIfAbsent(row.getAs("run_id"), run -> new ArrayList<>()).add(row);
        }
        List<List<Row>> runs = new ArrayList<>(byRun.values());
        String shown = "";
        if (runs.size() > MAX_CURVES) {
            // Succeeded runs first, best first (BestOrder, as the report's trials table); diverged ones last.
            runs.sort(Comparator.comparing(
                            (List<Row> run) -> !Status.SUCCEEDED.is(run.get(0).getAs("status")))
                    .thenComparing(run -> run.get(0), BestOrder.ROWS));
            shown = ", the " + MAX_CURVES + " best of " + runs.size() + " runs";
            runs = new ArrayList<>(runs.subList(0, MAX_CURVES));
            runs.sort(Comparator.comparing(run -> (Integer) run.get(0).getAs("hidden_channels")));
        }
        CategoryChart chart = lineChart(title + " (" + experiment + shown + ")", "epoch", yTitle);
        int epochs = rows.stream().mapToInt(r -> r.getAs("epoch")).max().orElse(0);
        List<Integer> x = new ArrayList<>();
        for (int epoch = 1; epoch <= epochs; epoch++) {
            x.add(epoch);
        }
        Map<String, String> labels = labels(runs.stream().map(run -> run.get(0)).toList());
        for (List<Row> run : runs) {
            List<Double> y = new ArrayList<>(java.util.Collections.nCopies(epochs, (Double) null));
            for (Row epoch : run) {
                y.set((Integer) epoch.getAs("epoch") - 1, epoch.getAs(column));
            }
            chart.addSeries(labels.get((String) run.get(0).getAs("run_id")), x, y);
        }
        return chart;
    }

    /**
     * A legend label per run: the hyperparameters whose values differ between the runs ("h=10 lr=0.02"),
     * or the hidden channels when none do. Two runs of one trial get the same label with their run's start.
     */
    static Map<String, String> labels(List<Row> runs) {
        return labels(runs, "run_id");
    }

    /** As {@link #labels(List)}, keyed by {@code key}'s value. */
    static Map<String, String> labels(List<Row> runs, String key) {
        List<Hyperparameter<?>> varying = Views.varying(runs);
        Map<String, String> labels = new LinkedHashMap<>();
        TreeSet<String> used = new TreeSet<>();
        for (Row run : runs) {
            StringBuilder label = new StringBuilder();
            for (Hyperparameter<?> h : varying) {
                label.append(label.length() == 0 ? "" : " ")
                        .append(h.label().isEmpty() ? "" : h.label() + "=")
                        .append(Html.value(run.getAs(h.column())));
            }
            String text = label.toString();
            if (!used.add(text)) { // a rerun of the same configuration
                String id = Objects.toString(run.getAs(key));
                text = text + " (run " + (id.length() > 8 ? id.substring(0, 8) : id) + ")";
                used.add(text);
            }
            labels.put(String.valueOf((Object) run.getAs(key)), text);
        }
        return labels;
    }

    /**
     * A tuning job's search: each configuration's test accuracy after each of its rungs, against the
     * epochs trained from its start. Configurations that went on past their first rung are coloured and
     * named in the legend; those stopped at their first rung are grey points.
     *
     * @param rungs rows of {@link ResultViews#tuningRungs}
     */
    public static XYChart tuningRungs(Dataset<Row> rungs, String job) {
        Map<Integer, List<Row>> byConfiguration = new TreeMap<>();
        for (Row row : rungs.collectAsList()) {
            byConfiguration
                    .computeIfAbsent(row.getAs("configuration"), c -> new ArrayList<>())
                    .add(row);
        }
        long named = byConfiguration.values().stream()
                .filter(rows -> rows.size() > 1)
                .count();
        // One legend line per named configuration, below the plot: a row of them would run off the image.
        XYChart chart = new XYChartBuilder()
                .width(WIDTH)
                .height(HEIGHT + 20 * (int) named)
                .title("Test accuracy at each rung of tuning job " + job + " (" + byConfiguration.size()
                        + " configurations)")
                .xAxisTitle("epochs")
                .yAxisTitle("test accuracy")
                .build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Vertical);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setLegendBorderColor(Color.WHITE);
        chart.getStyler().setYAxisDecimalPattern("0.####");
        chart.getStyler().setXAxisDecimalPattern("0");
        chart.getStyler().setLocale(Locale.ROOT);
        Map<String, String> labels = labels(
                byConfiguration.values().stream().map(rows -> rows.get(0)).toList(), "configuration");
        for (List<Row> rows : byConfiguration.values()) {
            List<Row> finished = rows.stream()
                    .filter(r -> !Double.isNaN(r.<Double>getAs("test_accuracy_last"))
                            && Status.isFinished(r.<String>getAs("status")))
                    .toList();
            if (finished.isEmpty()) {
                continue; // diverged or failed at its first rung: no point to draw
            }
            Object configuration = rows.get(0).getAs("configuration");
            XYSeries series = chart.addSeries(
                    "#" + configuration + " " + labels.get(String.valueOf(configuration)),
                    finished.stream()
                            .map(r -> (Number) r.<Integer>getAs("epochs"))
                            .toList(),
                    finished.stream()
                            .map(r -> (Number) r.<Double>getAs("test_accuracy_last"))
                            .toList());
            series.setMarker(SeriesMarkers.CIRCLE);
            if (rows.size() == 1) { // stopped at its first rung
                series.setMarkerColor(new Color(0xB0B0B0));
                series.setLineColor(new Color(0xB0B0B0));
                series.setShowInLegend(false);
            }
        }
        return chart;
    }

    /**
     * A confusion matrix as a heat map: true label down, predicted label across, each cell's count written
     * in it. The colour scale ends at the largest count off the diagonal, so the mistakes show; the
     * diagonal (correct) cells are all at its end.
     *
     * @param confusion rows of {@link ResultViews#confusion}: one epoch's (true_label, predicted_label, count)
     */
    public static HeatMapChart confusionHeatMap(Dataset<Row> confusion, String trialId) {
        List<Row> cells = confusion.collectAsList();
        int epoch = cells.isEmpty() ? 0 : cells.get(0).<Integer>getAs("epoch");
        HeatMapChart chart = new HeatMapChartBuilder()
                .width(CONFUSION_SIDE + 120)
                .height(CONFUSION_SIDE)
                .title("Confusion matrix of trial " + trialId + ", epoch " + epoch)
                .xAxisTitle("predicted label")
                .yAxisTitle("true label")
                .build();
        List<Integer> predicted = new ArrayList<>();
        List<Integer> trueLabels = new ArrayList<>();
        for (int label = 0; label < 10; label++) {
            predicted.add(label);
            trueLabels.add(9 - label); // the first row is drawn at the bottom: 0 goes on top
        }
        List<Number[]> heat = new ArrayList<>();
        long mistakes = 1;
        for (Row cell : cells) {
            int t = cell.<Integer>getAs("true_label");
            int p = cell.<Integer>getAs("predicted_label");
            long count = cell.<Long>getAs("count");
            heat.add(new Number[] {p, 9 - t, count});
            if (t != p) {
                mistakes = Math.max(mistakes, count);
            }
        }
        chart.addSeries("test images", predicted, trueLabels, heat);
        chart.getStyler()
                .setMin(0)
                .setMax(mistakes)
                .setShowValue(true)
                .setValueFontColor(Color.BLACK)
                .setRangeColors(new Color[] {Color.WHITE, new Color(0xFDBB84), new Color(0xE34A33)})
                .setHeatMapValueDecimalPattern("0");
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setLegendBorderColor(Color.WHITE);
        chart.getStyler().setLocale(Locale.ROOT);
        return chart;
    }

    private static CategoryChart lineChart(String title, String xTitle, String yTitle) {
        CategoryChart chart = new CategoryChartBuilder()
                .width(WIDTH)
                .height(HEIGHT)
                .title(title)
                .xAxisTitle(xTitle)
                .yAxisTitle(yTitle)
                .build();
        chart.getStyler().setDefaultSeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Line);
        chart.getStyler().setOverlapped(true); // points at the category, not side by side like bars
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setLegendBorderColor(Color.WHITE);
        chart.getStyler().setYAxisDecimalPattern("0.####");
        chart.getStyler().setLocale(Locale.ROOT);
        return chart;
    }

    /** The chart as an image: what a notebook cell displays ({@code display(Charts.image(chart))}). */
    public static BufferedImage image(Chart<?, ?> chart) {
        return BitmapEncoder.getBufferedImage(chart);
    }

    /** The chart as PNG bytes: what the report embeds. */
    public static byte[] png(Chart<?, ?> chart) {
        try {
            return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode the chart " + chart.getTitle(), e);
        }
    }
}
