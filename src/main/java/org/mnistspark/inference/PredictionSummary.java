package org.mnistspark.inference;

import java.util.Locale;

/**
 * What a predict job wrote: how many images, how fast, and for the labelled ones the exact accuracy
 * and the 10 × 10 confusion matrix (rows: true label, columns: predicted label).
 */
public record PredictionSummary(
        SelectedModel model, String input, String output, long images, double seconds, long[][] confusion) {

    public long labelled() {
        long sum = 0;
        for (long[] row : confusion) {
            for (long count : row) {
                sum += count;
            }
        }
        return sum;
    }

    public long correct() {
        long sum = 0;
        for (int label = 0; label < confusion.length; label++) {
            sum += confusion[label][label];
        }
        return sum;
    }

    public double imagesPerSecond() {
        return images / seconds;
    }

    /** The console report: counts, speed, and accuracy and confusion matrix when there were labels. */
    public String report() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(
                Locale.ROOT,
                "predicted %d images of %s with %s in %.1f s (%.0f images/s)%n",
                images,
                input,
                model.describe(),
                seconds,
                imagesPerSecond()));
        out.append("predictions written to ").append(output).append('\n');
        long labelled = labelled();
        if (labelled == 0) {
            out.append("no labels given: no accuracy\n");
            return out.toString();
        }
        out.append(String.format(
                Locale.ROOT,
                "accuracy %d/%d = %.4f (the trial's own test: %d/%d)%n",
                correct(),
                labelled,
                correct() / (double) labelled,
                model.testCorrectLast(),
                model.testImages()));
        if (labelled < images) {
            out.append(images - labelled).append(" images had no label\n");
        }
        out.append("confusion matrix: rows are true labels, columns predicted labels\n");
        out.append("true\\pred");
        for (int predicted = 0; predicted < 10; predicted++) {
            out.append(String.format(Locale.ROOT, "%7d", predicted));
        }
        out.append('\n');
        for (int label = 0; label < 10; label++) {
            out.append(String.format(Locale.ROOT, "%9d", label));
            for (int predicted = 0; predicted < 10; predicted++) {
                out.append(String.format(Locale.ROOT, "%7d", confusion[label][predicted]));
            }
            out.append('\n');
        }
        return out.toString();
    }
}
