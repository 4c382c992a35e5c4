package org.mnistspark.inference;

import java.util.Arrays;

/**
 * The images of one {@code POST /invocations} body, as the model takes them: {@code count} × 784 unsigned
 * bytes, image after image, row by row. {@code single}: the body held one image on its own (an image file,
 * or JSON {@code {"pixels": …}}), answered with one prediction; otherwise it was a batch, answered with a
 * list of predictions, one per image, in order.
 */
record Invocation(byte[] pixels, int count, boolean single) {
    /** More images in one body get 413: a client splits them, as SageMaker's batch transform does by its limit. */
    static final int MAX_IMAGES = 1024;

    static Invocation one(byte[] pixels) {
        return new Invocation(pixels, 1, true);
    }

    /** A pixel value given as a number: 0-255, fractions rounded; -1 for any other (NaN too). */
    static int pixel(double value) {
        return value >= 0 && value <= 255 ? (int) Math.round(value) : -1;
    }

    static PayloadTooLargeException tooMany(String count) {
        return new PayloadTooLargeException("the body holds " + count + " images; at most " + MAX_IMAGES
                + " are taken per request: split the batch");
    }

    /** Images added one by one, as a JSON or CSV body is read. */
    static final class Builder {
        private byte[] pixels = new byte[DigitModel.PIXELS];
        private int count;

        /** Room for one more image: the index of its first pixel in {@link #pixels()}; 413 past MAX_IMAGES. */
        int add() {
            if (count == MAX_IMAGES) {
                throw tooMany("more than " + MAX_IMAGES);
            }
            int offset = count * DigitModel.PIXELS;
            if (offset + DigitModel.PIXELS > pixels.length) {
                pixels = Arrays.copyOf(pixels, 2 * pixels.length);
            }
            count++;
            return offset;
        }

        /** The pixels so far; a new array after {@link #add()} grows it. */
        byte[] pixels() {
            return pixels;
        }

        int count() {
            return count;
        }

        Invocation build(boolean single) {
            return new Invocation(Arrays.copyOf(pixels, count * DigitModel.PIXELS), count, single);
        }
    }
}
