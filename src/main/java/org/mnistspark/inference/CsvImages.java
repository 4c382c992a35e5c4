package org.mnistspark.inference;

import java.nio.charset.StandardCharsets;

/**
 * A {@code text/csv} body, as SageMaker's containers take one: an image per line, its 784 pixels 0-255
 * (row by row, white digit on black; fractions are rounded) separated by commas, no header. Empty lines
 * are skipped.
 */
final class CsvImages {
    private CsvImages() {}

    static Invocation read(byte[] body) {
        Invocation.Builder images = new Invocation.Builder();
        int line = 0;
        for (int start = 0; start < body.length; ) {
            line++;
            int end = start;
            while (end < body.length && body[end] != '\n') {
                end++;
            }
            int stop = end > start && body[end - 1] == '\r' ? end - 1 : end;
            if (!blank(body, start, stop)) {
                readLine(body, start, stop, line, images);
            }
            start = end + 1;
        }
        if (images.count() == 0) {
            throw new InvalidInputException(
                    "the CSV body holds no lines: send one image per line, 784 numbers 0-255 " + "separated by commas");
        }
        return images.build(false);
    }

    private static void readLine(byte[] body, int start, int stop, int line, Invocation.Builder images) {
        int offset = images.add();
        byte[] pixels = images.pixels();
        int values = 0;
        for (int from = start, i = start; i <= stop; i++) {
            if (i < stop && body[i] != ',') {
                continue;
            }
            int value = value(body, from, i);
            if (value < 0) {
                throw new InvalidInputException("line " + line + ", value " + (values + 1) + " is '"
                        + new String(body, from, i - from, StandardCharsets.ISO_8859_1).strip()
                        + "'; pixels are numbers 0-255");
            }
            if (values < DigitModel.PIXELS) {
                pixels[offset + values] = (byte) value;
            }
            values++;
            from = i + 1;
        }
        if (values != DigitModel.PIXELS) {
            throw new InvalidInputException("line " + line + " has " + values + " values; an image is "
                    + DigitModel.PIXELS + " (28x28, row by row), separated by commas");
        }
    }

    private static boolean blank(byte[] body, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!Character.isWhitespace(body[i])) {
                return false;
            }
        }
        return true;
    }

    /** The pixel in body[from, to): plain digits read directly, anything else as a decimal number; -1 if none. */
    private static int value(byte[] body, int from, int to) {
        while (from < to && (body[from] == ' ' || body[from] == '\t')) {
            from++;
        }
        while (to > from && (body[to - 1] == ' ' || body[to - 1] == '\t')) {
            to--;
        }
        if (from == to) {
            return -1;
        }
        int value = 0;
        for (int i = from; i < to; i++) {
            int digit = body[i] - '0';
            if (digit < 0 || digit > 9 || value > 255) {
                try {
                    String text = new String(body, from, to - from, StandardCharsets.ISO_8859_1);
                    return Invocation.pixel(Double.parseDouble(text));
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
            value = value * 10 + digit;
        }
        return value <= 255 ? value : -1;
    }
}
