package org.mnistspark.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/** Turns images into normalized, shuffled minibatch {@link DataSet}s. No Spark here. */
public final class Minibatches {
    private Minibatches() {}

    /**
     * Indices of a seeded, stratified subset: {@code fraction} of each label's images (at least one),
     * so that the 25/50/75% splits keep MNIST's label balance.
     */
    public static int[] stratifiedSubset(MnistImages images, double fraction, long seed) {
        if (fraction >= 1.0) {
            int[] all = new int[images.count()];
            Arrays.setAll(all, i -> i);
            return all;
        }
        List<List<Integer>> byLabel = new ArrayList<>();
        for (int label = 0; label < 10; label++) {
            byLabel.add(new ArrayList<>());
        }
        for (int i = 0; i < images.count(); i++) {
            byLabel.get(images.label(i)).add(i);
        }
        SplittableRandom random = new SplittableRandom(seed);
        List<Integer> chosen = new ArrayList<>();
        for (List<Integer> indices : byLabel) {
            int[] shuffled = indices.stream().mapToInt(Integer::intValue).toArray();
            shuffle(shuffled, random);
            int take = indices.isEmpty() ? 0 : Math.max(1, (int) Math.round(fraction * indices.size()));
            for (int i = 0; i < take; i++) {
                chosen.add(shuffled[i]);
            }
        }
        int[] result = chosen.stream().mapToInt(Integer::intValue).toArray();
        Arrays.sort(result);
        return result;
    }

    /** A copy of {@code indices} in the order of the given epoch: a fresh shuffle every epoch, like a PyTorch DataLoader. */
    public static int[] epochOrder(int[] indices, long seed, int epoch) {
        int[] order = indices.clone();
        shuffle(order, new SplittableRandom(seed * 1_000_003L + epoch + 1));
        return order;
    }

    private static void shuffle(int[] values, SplittableRandom random) {
        for (int i = values.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int tmp = values[i];
            values[i] = values[j];
            values[j] = tmp;
        }
    }

    /**
     * The images {@code order[from..to)} as one minibatch: features {@code [n, 784]} scaled to
     * {@code (pixel/255 - mean) / std}, labels one-hot {@code [n, 10]}.
     */
    public static DataSet toDataSet(MnistImages images, int[] order, int from, int to, double mean, double std) {
        return toDataSet(images, order, from, to, normalization(mean, std));
    }

    /** The same with the normalization's lookup table ({@link #normalization}) made once. */
    static DataSet toDataSet(MnistImages images, int[] order, int from, int to, float[] normalized) {
        int n = to - from;
        int pixels = images.pixelsPerImage();
        float[] features = new float[n * pixels];
        float[] labels = new float[n * 10];
        byte[] source = images.pixels();
        for (int row = 0; row < n; row++) {
            int image = order[from + row];
            int offset = image * pixels;
            int target = row * pixels;
            for (int p = 0; p < pixels; p++) {
                features[target + p] = normalized[source[offset + p] & 0xFF];
            }
            labels[row * 10 + images.label(image)] = 1f;
        }
        return new DataSet(
                Nd4j.create(features, new long[] {n, pixels}, DataType.FLOAT),
                Nd4j.create(labels, new long[] {n, 10}, DataType.FLOAT));
    }

    /** Every pixel value's normalized float: one lookup per pixel instead of arithmetic. */
    public static float[] normalization(double mean, double std) {
        float[] table = new float[256];
        for (int value = 0; value < 256; value++) {
            table[value] = (float) ((value / 255.0 - mean) / std);
        }
        return table;
    }
}
