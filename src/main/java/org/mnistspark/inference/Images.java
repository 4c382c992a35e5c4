package org.mnistspark.inference;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Images read on the driver from IDX files, for a broadcast to the executors: 28×28 unsigned bytes
 * each, and their labels when the input has them. A plain class, not a record: Spark's Kryo cannot
 * write records.
 */
final class Images implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int count;
    private final byte[] pixels;
    private final byte[] labels; // null when the input has none

    Images(int count, byte[] pixels, byte[] labels) {
        if (pixels.length != count * DigitModel.PIXELS || (labels != null && labels.length != count)) {
            throw new IllegalArgumentException(count + " images with " + pixels.length + " pixel bytes");
        }
        this.count = count;
        this.pixels = pixels;
        this.labels = labels;
    }

    int count() {
        return count;
    }

    boolean labelled() {
        return labels != null;
    }

    /** Label of image {@code index}; only when {@link #labelled()}. */
    int label(int index) {
        return labels[index];
    }

    /** The pixels of images {@code [from, to)}, one after another. */
    byte[] pixels(int from, int to) {
        return Arrays.copyOfRange(pixels, from * DigitModel.PIXELS, to * DigitModel.PIXELS);
    }

    /** The first {@code limit} images (all when limit is 0 or not smaller than the count). */
    Images first(int limit) {
        if (limit <= 0 || limit >= count) {
            return this;
        }
        return new Images(
                limit,
                Arrays.copyOf(pixels, limit * DigitModel.PIXELS),
                labels == null ? null : Arrays.copyOf(labels, limit));
    }
}
