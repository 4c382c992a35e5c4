package org.mnistspark.report;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.mnistspark.data.IdxReader;
import org.mnistspark.data.Minibatches;
import org.mnistspark.data.MnistDataset;
import org.mnistspark.data.MnistImages;
import org.mnistspark.model.NativeRuntime;

/**
 * The test images a trial's saved model classifies wrongly: its model ({@code model_path}) run on the
 * test images it was evaluated on (the first {@code test_images} of {@code dataset_location}'s t10k
 * files, normalized with the row's mean and std), dropout off, as the trial's test evaluation did.
 */
public final class Misclassified {
    /** Pixels per image pixel in the grid. */
    private static final int SCALE = 2;

    private static final int COLUMNS = 10;
    private static final int BATCH = 1000;

    private final String trialId;
    private final MnistImages images;
    private final int[] wrong;
    private final int[] predicted;
    private final long expectedWrong;

    private Misclassified(String trialId, MnistImages images, int[] wrong, int[] predicted, long expectedWrong) {
        this.trialId = trialId;
        this.images = images;
        this.wrong = wrong;
        this.predicted = predicted;
        this.expectedWrong = expectedWrong;
    }

    /**
     * Runs the model of a {@code trials} row on its test images.
     *
     * @throws FileNotFoundException when the row names no model (the sweep kept none) or the files are gone
     */
    public static Misclassified of(Row trial, Configuration hadoop) throws IOException {
        String modelPath = trial.getAs("model_path");
        String trialId = trial.getAs("trial_id");
        if (modelPath == null) {
            throw new FileNotFoundException(
                    "trial " + trialId + " has no saved model (its sweep ran with output.models=\"\")");
        }
        NativeRuntime.configure(); // before ND4J loads, also in a notebook's JVM
        MultiLayerNetwork model;
        Path path = new Path(modelPath);
        FileSystem fs = path.getFileSystem(hadoop);
        if (!fs.exists(path)) {
            throw new FileNotFoundException("the model of trial " + trialId + " is gone: " + modelPath);
        }
        try (FSDataInputStream in = fs.open(path)) {
            model = ModelSerializer.restoreMultiLayerNetwork(in, false);
        }
        long testImages = trial.getAs("test_images");
        MnistImages test = testImages(trial.getAs("dataset_location"), hadoop).first((int) testImages);
        double mean = trial.getAs("normalization_mean");
        double std = trial.getAs("normalization_std");
        int[] order = IntStream.range(0, test.count()).toArray();
        int[] predicted = new int[test.count()];
        for (int from = 0; from < test.count(); from += BATCH) {
            int to = Math.min(test.count(), from + BATCH);
            int[] batch = model.predict(
                    Minibatches.toDataSet(test, order, from, to, mean, std).getFeatures());
            System.arraycopy(batch, 0, predicted, from, batch.length);
        }
        int[] wrong = IntStream.range(0, test.count())
                .filter(i -> predicted[i] != test.label(i))
                .toArray();
        long correct = trial.getAs("test_correct_last");
        return new Misclassified(trialId, test, wrong, predicted, testImages - correct);
    }

    /** The t10k files of a dataset folder, plain or gzipped, as the sweep reads them. */
    private static MnistImages testImages(String dir, Configuration hadoop) throws IOException {
        return IdxReader.read(
                locate(dir, MnistDataset.TEST_IMAGES, hadoop), locate(dir, MnistDataset.TEST_LABELS, hadoop), hadoop);
    }

    private static Path locate(String dir, String name, Configuration hadoop) throws IOException {
        Path plain = new Path(dir, name);
        FileSystem fs = plain.getFileSystem(hadoop);
        if (fs.exists(plain)) {
            return plain;
        }
        Path gz = new Path(dir, name + ".gz");
        if (fs.exists(gz)) {
            return gz;
        }
        throw new FileNotFoundException("the test images the trial was evaluated on are gone: " + plain);
    }

    public String trialId() {
        return trialId;
    }

    /** How many test images the model got wrong. */
    public int count() {
        return wrong.length;
    }

    /** How many test images it was evaluated on. */
    public int testImages() {
        return images.count();
    }

    /** Whether the count agrees with the table's {@code test_images - test_correct_last}, as it should. */
    public boolean matchesTable() {
        return wrong.length == expectedWrong;
    }

    /** One line: how many are wrong, and whether that is what the table recorded. */
    public String summary() {
        return String.format(
                "Trial %s gets %d of %d test images wrong%s.",
                trialId,
                wrong.length,
                images.count(),
                matchesTable()
                        ? " (as the table records)"
                        : "; the table records " + expectedWrong + ": are these the files it was tested on?");
    }

    /** Index in the test set, true label and predicted label of each wrong image, in test-set order. */
    public List<int[]> mistakes() {
        List<int[]> mistakes = new ArrayList<>();
        for (int i : wrong) {
            mistakes.add(new int[] {i, images.label(i), predicted[i]});
        }
        return mistakes;
    }

    /**
     * The first {@code limit} wrong images in test-set order, {@value #COLUMNS} to a row, each with
     * "true → predicted" under it.
     */
    public BufferedImage grid(int limit) {
        int shown = Math.min(limit, wrong.length);
        int side = images.rows() * SCALE;
        int cellWidth = side + 16;
        int cellHeight = side + 26;
        int rows = Math.max(1, (shown + COLUMNS - 1) / COLUMNS);
        BufferedImage grid = new BufferedImage(COLUMNS * cellWidth, rows * cellHeight, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = grid.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, grid.getWidth(), grid.getHeight());
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
            FontMetrics metrics = g.getFontMetrics();
            for (int k = 0; k < shown; k++) {
                int image = wrong[k];
                int x0 = (k % COLUMNS) * cellWidth + (cellWidth - side) / 2;
                int y0 = (k / COLUMNS) * cellHeight + 4;
                drawDigit(grid, image, x0, y0);
                g.setColor(new Color(0xBBBBBB));
                g.drawRect(x0 - 1, y0 - 1, side + 1, side + 1);
                String label = images.label(image) + " \u2192 " + predicted[image];
                g.setColor(Color.BLACK);
                g.drawString(label, x0 + (side - metrics.stringWidth(label)) / 2, y0 + side + metrics.getAscent() + 3);
            }
        } finally {
            g.dispose();
        }
        return grid;
    }

    /** Ink dark on white, as the digits were written. */
    private void drawDigit(BufferedImage target, int image, int x0, int y0) {
        int offset = image * images.pixelsPerImage();
        for (int r = 0; r < images.rows(); r++) {
            for (int c = 0; c < images.cols(); c++) {
                int grey = 255 - (images.pixels()[offset + r * images.cols() + c] & 0xFF);
                int rgb = (grey << 16) | (grey << 8) | grey;
                for (int dy = 0; dy < SCALE; dy++) {
                    for (int dx = 0; dx < SCALE; dx++) {
                        target.setRGB(x0 + c * SCALE + dx, y0 + r * SCALE + dy, rgb);
                    }
                }
            }
        }
    }

    /** {@link #grid} as PNG bytes, for the report. */
    public byte[] gridPng(int limit) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(grid(limit), "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
