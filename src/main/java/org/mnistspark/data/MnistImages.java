package org.mnistspark.data;

import java.io.Serializable;
import java.util.Arrays;

/**
 * A set of greyscale images with their labels, as read from IDX files: unsigned bytes, about 47 MB for
 * MNIST's 60,000 training images. A plain class, not a record, because Spark's Kryo cannot write
 * records, and executors receive the images as a broadcast.
 */
public final class MnistImages implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int count;
    private final int rows;
    private final int cols;
    private final byte[] pixels;
    private final byte[] labels;

    /**
     * @param pixels {@code count * rows * cols} unsigned bytes, image after image, row-major
     * @param labels {@code count} labels in 0-9
     */
    public MnistImages(int count, int rows, int cols, byte[] pixels, byte[] labels) {
        this.count = count;
        this.rows = rows;
        this.cols = cols;
        this.pixels = pixels;
        this.labels = labels;
    }

    public int count() {
        return count;
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    public byte[] pixels() {
        return pixels;
    }

    public byte[] labels() {
        return labels;
    }

    public int pixelsPerImage() {
        return rows * cols;
    }

    public int label(int index) {
        return labels[index];
    }

    /** The first {@code limit} images (all of them when limit is 0 or not smaller than count). */
    public MnistImages first(int limit) {
        if (limit <= 0 || limit >= count) {
            return this;
        }
        return new MnistImages(
                limit, rows, cols, Arrays.copyOf(pixels, limit * pixelsPerImage()), Arrays.copyOf(labels, limit));
    }
}
