package org.mnistspark.inference;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * An image of a digit (PNG, or any format Java's ImageIO reads: JPEG, GIF, BMP), of any size, as the
 * 784 pixels the model takes: 28 × 28 greyscale, white digit on black, like MNIST.
 * <ol>
 * <li>Greyscale: grey images' own values; colour ones' luminance, 0.299 R + 0.587 G + 0.114 B.
 * <li>Polarity: if the image's border is mostly transparent, the ink is the opacity (strokes on a
 *     transparent canvas, in any colour); otherwise, if the border is light on average, dark-on-light
 *     is inverted to MNIST's light-on-dark.
 * <li>An image of exactly 28 × 28 is taken as it is, pixel for pixel (so a PNG of an MNIST image gives
 *     its very pixels).
 * <li>Any other size is prepared as MNIST's digits were: cropped to the ink's bounding box (pixels
 *     above 10% ink), scaled with area averaging so that its longer side is 20 pixels, keeping the
 *     aspect ratio, stretched so that its strongest ink is 255, and placed in the 28 × 28 field with
 *     its centre of mass at pixel (14, 14), where MNIST's digits have theirs.
 * </ol>
 */
public final class DigitImages {
    static final int SIDE = DigitModel.SIDE;
    /** MNIST's digits fit a 20 × 20 box inside the 28 × 28 field. */
    static final int BOX = 20;

    static final float INK_THRESHOLD = 0.1f;
    /** A bigger image is refused before it is decoded: a small file may claim billions of pixels. */
    static final long MAX_PIXELS = 25_000_000L;

    private DigitImages() {}

    /** The 784 pixels of an encoded image; an {@link InvalidInputException} if it is not one, or is blank. */
    public static byte[] decode(byte[] encoded) {
        BufferedImage image;
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(encoded))) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                throw new InvalidInputException("the body is neither JSON nor an image (PNG, JPEG, GIF or BMP)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
                if (pixels > MAX_PIXELS) {
                    throw new InvalidInputException("the image is " + reader.getWidth(0) + "x" + reader.getHeight(0)
                            + " pixels; at most " + MAX_PIXELS + " are taken");
                }
                image = reader.read(0);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof InvalidInputException invalid) {
                throw invalid;
            }
            throw new InvalidInputException("the image cannot be decoded: " + e.getMessage());
        }
        return toMnist(image);
    }

    /** The 784 pixels of a decoded image. */
    public static byte[] toMnist(BufferedImage image) {
        int width = image.getWidth();
        int height = image.getHeight();
        float[] ink = ink(image);
        if (width == SIDE && height == SIDE) {
            return bytes(ink);
        }
        return bytes(centred(ink, width, height));
    }

    /** Ink per pixel, 0 to 1, white on black. */
    static float[] ink(BufferedImage image) {
        int width = image.getWidth();
        int height = image.getHeight();
        float[] grey = new float[width * height];
        float[] alpha = new float[width * height];
        Raster raster = image.getRaster();
        boolean greyModel =
                image.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_GRAY && raster.getNumBands() <= 2;
        boolean hasAlpha = image.getColorModel().hasAlpha();
        // Grey images are read from their raster: getRGB() would apply a gamma curve to them.
        float maxSample = greyModel ? (1 << raster.getSampleModel().getSampleSize(0)) - 1 : 255f;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int i = y * width + x;
                if (greyModel) {
                    grey[i] = raster.getSample(x, y, 0) / maxSample;
                    alpha[i] = hasAlpha ? raster.getSample(x, y, 1) / maxSample : 1f;
                } else {
                    int argb = image.getRGB(x, y);
                    grey[i] = (0.299f * ((argb >> 16) & 0xFF) + 0.587f * ((argb >> 8) & 0xFF) + 0.114f * (argb & 0xFF))
                            / 255f;
                    alpha[i] = hasAlpha ? (argb >>> 24) / 255f : 1f;
                }
            }
        }
        float borderAlpha = borderMean(alpha, width, height);
        float borderGrey = borderMean(grey, width, height);
        float[] ink = new float[width * height];
        for (int i = 0; i < ink.length; i++) {
            if (hasAlpha && borderAlpha < 0.5f) {
                ink[i] = alpha[i]; // strokes on a transparent background
            } else {
                ink[i] = borderGrey > 0.5f ? 1f - grey[i] : grey[i];
            }
        }
        return ink;
    }

    private static float borderMean(float[] values, int width, int height) {
        double sum = 0;
        int count = 0;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                if (y == 0 || y == height - 1 || x == 0 || x == width - 1) {
                    sum += values[y * width + x];
                    count++;
                }
            }
        }
        return (float) (sum / count);
    }

    /** MNIST's preparation: crop to the ink, scale into 20 × 20, centre of mass to the field's centre. */
    static float[] centred(float[] ink, int width, int height) {
        int x0 = width;
        int y0 = height;
        int x1 = -1;
        int y1 = -1;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                if (ink[y * width + x] > INK_THRESHOLD) {
                    x0 = Math.min(x0, x);
                    x1 = Math.max(x1, x);
                    y0 = Math.min(y0, y);
                    y1 = Math.max(y1, y);
                }
            }
        }
        if (x1 < 0) {
            throw new InvalidInputException("the image holds no digit: every pixel is background");
        }
        int boxWidth = x1 - x0 + 1;
        int boxHeight = y1 - y0 + 1;
        double scale = (double) BOX / Math.max(boxWidth, boxHeight);
        int scaledWidth = Math.max(1, (int) Math.round(boxWidth * scale));
        int scaledHeight = Math.max(1, (int) Math.round(boxHeight * scale));
        float[] crop = new float[boxWidth * boxHeight];
        for (int y = 0; y < boxHeight; y++) {
            System.arraycopy(ink, (y0 + y) * width + x0, crop, y * boxWidth, boxWidth);
        }
        float[] scaled = resample(crop, boxWidth, boxHeight, scaledWidth, scaledHeight);
        float max = 0;
        double mass = 0;
        double massX = 0;
        double massY = 0;
        for (int y = 0; y < scaledHeight; y++) {
            for (int x = 0; x < scaledWidth; x++) {
                float v = scaled[y * scaledWidth + x];
                max = Math.max(max, v);
                mass += v;
                massX += v * x;
                massY += v * y;
            }
        }
        // MNIST's digits have their centre of mass at pixel (14, 14), counting from 0 (measured: 14.00 and
        // 13.99 on average over its test images).
        int offsetX = (int) Math.round(SIDE / 2.0 - massX / mass);
        int offsetY = (int) Math.round(SIDE / 2.0 - massY / mass);
        float[] field = new float[SIDE * SIDE];
        for (int y = 0; y < scaledHeight; y++) {
            for (int x = 0; x < scaledWidth; x++) {
                int fx = x + offsetX;
                int fy = y + offsetY;
                if (fx >= 0 && fx < SIDE && fy >= 0 && fy < SIDE) {
                    field[fy * SIDE + fx] = scaled[y * scaledWidth + x] / max;
                }
            }
        }
        return field;
    }

    /** Area averaging: each target pixel is the mean of the source area it covers (fractions weighted). */
    static float[] resample(float[] source, int width, int height, int targetWidth, int targetHeight) {
        float[] rows = new float[targetWidth * height];
        float[] line = new float[width];
        float[] scaledLine = new float[targetWidth];
        for (int y = 0; y < height; y++) {
            System.arraycopy(source, y * width, line, 0, width);
            resample(line, width, scaledLine, targetWidth);
            System.arraycopy(scaledLine, 0, rows, y * targetWidth, targetWidth);
        }
        float[] result = new float[targetWidth * targetHeight];
        float[] column = new float[height];
        float[] scaledColumn = new float[targetHeight];
        for (int x = 0; x < targetWidth; x++) {
            for (int y = 0; y < height; y++) {
                column[y] = rows[y * targetWidth + x];
            }
            resample(column, height, scaledColumn, targetHeight);
            for (int y = 0; y < targetHeight; y++) {
                result[y * targetWidth + x] = scaledColumn[y];
            }
        }
        return result;
    }

    private static void resample(float[] in, int length, float[] out, int targetLength) {
        double step = (double) length / targetLength;
        for (int o = 0; o < targetLength; o++) {
            double start = o * step;
            double end = start + step;
            double sum = 0;
            for (int i = (int) Math.floor(start); i < Math.min(length, (int) Math.ceil(end)); i++) {
                sum += in[i] * (Math.min(end, i + 1) - Math.max(start, i));
            }
            out[o] = (float) (sum / step);
        }
    }

    private static byte[] bytes(float[] ink) {
        byte[] pixels = new byte[ink.length];
        for (int i = 0; i < ink.length; i++) {
            pixels[i] = (byte) Math.round(Math.max(0f, Math.min(1f, ink[i])) * 255f);
        }
        return pixels;
    }
}
