package org.mnistspark.data;

/**
 * A set of greyscale images with their labels, as read from IDX files.
 *
 * @param pixels {@code count * rows * cols} unsigned bytes, image after image, row-major
 * @param labels {@code count} labels in 0-9
 */
public record MnistImages(int count, int rows, int cols, byte[] pixels, byte[] labels) {

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
        byte[] p = java.util.Arrays.copyOf(pixels, limit * pixelsPerImage());
        byte[] l = java.util.Arrays.copyOf(labels, limit);
        return new MnistImages(limit, rows, cols, p, l);
    }
}
