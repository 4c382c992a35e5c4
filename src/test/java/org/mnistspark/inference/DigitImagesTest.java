package org.mnistspark.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mnistspark.TestSpark;
import org.mnistspark.data.MnistDataset;
import org.mnistspark.data.MnistImages;
import org.mnistspark.storage.Storage;

/** Images of digits to MNIST's 784 pixels, on real MNIST test digits drawn into PNGs. No Spark. */
class DigitImagesTest {
    static MnistImages test;

    @BeforeAll
    static void readMnist() throws IOException {
        test = MnistDataset.load(TestSpark.mnistDir().toString(), Storage.hadoopConfiguration())
                .test()
                .first(10);
    }

    static byte[] pixels(int index) {
        return Arrays.copyOfRange(test.pixels(), index * 784, (index + 1) * 784);
    }

    /** An MNIST image as a 28 × 28 PNG of the given type, optionally dark on light. */
    static byte[] png(byte[] pixels, int type, boolean inverted) {
        BufferedImage image = new BufferedImage(28, 28, type);
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                int v = pixels[y * 28 + x] & 0xFF;
                if (inverted) {
                    v = 255 - v;
                }
                if (type == BufferedImage.TYPE_BYTE_GRAY) {
                    image.getRaster().setSample(x, y, 0, v);
                } else {
                    image.setRGB(x, y, 0xFF000000 | v << 16 | v << 8 | v);
                }
            }
        }
        return encode(image);
    }

    static byte[] encode(BufferedImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The MNIST image scaled up {@code factor} times, nearest neighbour, placed at (left, top) on a bigger canvas. */
    static BufferedImage enlarged(
            byte[] pixels, int factor, int left, int top, int canvas, int type, boolean transparent) {
        BufferedImage image = new BufferedImage(canvas, canvas, type);
        for (int y = 0; y < canvas; y++) {
            for (int x = 0; x < canvas; x++) {
                int sx = (x - left) / factor;
                int sy = (y - top) / factor;
                int v = x >= left && y >= top && sx < 28 && sy < 28 ? pixels[sy * 28 + sx] & 0xFF : 0;
                image.setRGB(
                        x, y, transparent ? v << 24 /* black ink, opacity = ink */ : 0xFF000000 | v << 16 | v << 8 | v);
            }
        }
        return image;
    }

    @Test
    void a28x28PngOfAnMnistImageGivesItsVeryPixelsGreyOrRgbAnyPolarity() {
        for (int i = 0; i < 10; i++) {
            assertThat(DigitImages.decode(png(pixels(i), BufferedImage.TYPE_BYTE_GRAY, false)))
                    .isEqualTo(pixels(i));
            assertThat(DigitImages.decode(png(pixels(i), BufferedImage.TYPE_INT_RGB, false)))
                    .isEqualTo(pixels(i));
            assertThat(DigitImages.decode(png(pixels(i), BufferedImage.TYPE_BYTE_GRAY, true)))
                    .isEqualTo(pixels(i));
        }
    }

    @Test
    void aLargerImageIsCroppedScaledInto20x20AndCentredByMassAsMnistsOwnDigitsWere() {
        for (int i = 0; i < 10; i++) {
            byte[] original = pixels(i);
            byte[] fromBig = DigitImages.decode(
                    encode(enlarged(original, 10, 35 + 7 * i, 12, 400, BufferedImage.TYPE_INT_RGB, false)));
            assertCentred(fromBig);
            // MNIST's digits were prepared the same way, so ten times their size comes back close to them
            // (measured: identical for some, a few grey levels apart where faint pixels change the box).
            assertThat(meanAbsoluteDifference(fromBig, original))
                    .as("image " + i)
                    .isLessThan(3);
            byte[] transparent =
                    DigitImages.decode(encode(enlarged(original, 10, 35, 12, 400, BufferedImage.TYPE_INT_ARGB, true)));
            assertThat(transparent).as("ink as opacity on a transparent canvas").isEqualTo(fromBig);
        }
    }

    static void assertCentred(byte[] pixels) {
        double mass = 0;
        double x = 0;
        double y = 0;
        int left = 28;
        int right = -1;
        int top = 28;
        int bottom = -1;
        int max = 0;
        for (int i = 0; i < 784; i++) {
            int v = pixels[i] & 0xFF;
            mass += v;
            x += v * (i % 28);
            y += v * (i / 28);
            max = Math.max(max, v);
            if (v > 0) {
                left = Math.min(left, i % 28);
                right = Math.max(right, i % 28);
                top = Math.min(top, i / 28);
                bottom = Math.max(bottom, i / 28);
            }
        }
        assertThat(x / mass).isCloseTo(14, within(0.5));
        assertThat(y / mass).isCloseTo(14, within(0.5));
        assertThat(Math.max(right - left + 1, bottom - top + 1)).isBetween(19, 22);
        assertThat(max).isEqualTo(255);
    }

    static double meanAbsoluteDifference(byte[] a, byte[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += Math.abs((a[i] & 0xFF) - (b[i] & 0xFF));
        }
        return sum / a.length;
    }

    @Test
    void blankImagesAndNonImagesAreRefusedWithTheReason() {
        BufferedImage white = new BufferedImage(100, 60, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 60; y++) {
            for (int x = 0; x < 100; x++) {
                white.setRGB(x, y, 0xFFFFFFFF);
            }
        }
        assertThatThrownBy(() -> DigitImages.decode(encode(white)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("no digit");
        assertThatThrownBy(() -> DigitImages.decode("hello".getBytes()))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("neither JSON nor an image");
        byte[] png = png(pixels(0), BufferedImage.TYPE_BYTE_GRAY, false);
        assertThatThrownBy(() -> DigitImages.decode(Arrays.copyOf(png, png.length / 2)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("cannot be decoded");
    }

    @Test
    void anImageClaimingBillionsOfPixelsIsRefusedBeforeDecoding() {
        assertThatThrownBy(() -> DigitImages.decode(pngHeader(100_000, 100_000)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("100000x100000");
    }

    /** A PNG signature and header chunk for a greyscale image of that size, and no pixels. */
    static byte[] pngHeader(int width, int height) {
        ByteBuffer header = ByteBuffer.allocate(8 + 4 + 4 + 13 + 4);
        header.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        header.putInt(13);
        int crcStart = header.position();
        header.put(new byte[] {'I', 'H', 'D', 'R'})
                .putInt(width)
                .putInt(height)
                .put((byte) 8)
                .put((byte) 0)
                .put((byte) 0)
                .put((byte) 0)
                .put((byte) 0);
        CRC32 crc = new CRC32();
        crc.update(header.array(), crcStart, 17);
        header.putInt((int) crc.getValue());
        return header.array();
    }
}
