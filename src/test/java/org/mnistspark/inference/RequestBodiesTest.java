package org.mnistspark.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The bodies {@code POST /invocations} takes, read without a server: JSON in each of its shapes, npy of
 * each dtype and shape NumPy writes, CSV, and what each refuses with which message; and how Content-Type
 * and Accept choose the reader and the answer.
 */
class RequestBodiesTest {
    /** Three images with distinct pixels: image i's pixel p is (7 i + p) % 256. */
    static final int COUNT = 3;

    static final byte[] PIXELS = pixels(COUNT);

    static byte[] pixels(int count) {
        byte[] pixels = new byte[count * DigitModel.PIXELS];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) ((7 * (i / DigitModel.PIXELS) + i % DigitModel.PIXELS) % 256);
        }
        return pixels;
    }

    /** An array as NumPy's np.save (format 1.0) writes it: its header dictionary padded to 64 bytes. */
    static byte[] npy(String descr, String shape, byte[] data) {
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + shape + "), }";
        int length = dict.length() + 1;
        int padding = 64 - (10 + length) % 64;
        String header = dict + " ".repeat(padding) + "\n";
        ByteBuffer npy = ByteBuffer.allocate(10 + header.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
        npy.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) header.length());
        return npy.put(header.getBytes(StandardCharsets.ISO_8859_1)).put(data).array();
    }

    /** The pixels as little-endian float32s. */
    static byte[] floats(byte[] pixels) {
        ByteBuffer data = ByteBuffer.allocate(4 * pixels.length).order(ByteOrder.LITTLE_ENDIAN);
        for (byte pixel : pixels) {
            data.putFloat(pixel & 0xFF);
        }
        return data.array();
    }

    static String numbers(byte[] pixels, int image) {
        return IntStream.range(image * DigitModel.PIXELS, (image + 1) * DigitModel.PIXELS)
                .mapToObj(p -> String.valueOf(pixels[p] & 0xFF))
                .collect(Collectors.joining(","));
    }

    /** Image {@code image} as 28 JSON lists of 28 numbers. */
    static String rows(byte[] pixels, int image) {
        return IntStream.range(0, 28)
                .mapToObj(r -> "["
                        + IntStream.range(0, 28)
                                .mapToObj(c -> String.valueOf(pixels[image * 784 + r * 28 + c] & 0xFF))
                                .collect(Collectors.joining(","))
                        + "]")
                .collect(Collectors.joining(",", "[", "]"));
    }

    static String csv(byte[] pixels, int count) {
        return IntStream.range(0, count).mapToObj(i -> numbers(pixels, i)).collect(Collectors.joining("\n", "", "\n"));
    }

    static Invocation json(String body) {
        return JsonImages.read(body.getBytes(StandardCharsets.UTF_8));
    }

    static void assertImages(Invocation invocation, boolean single) {
        assertThat(invocation.single()).isEqualTo(single);
        int count = single ? 1 : COUNT;
        assertThat(invocation.count()).isEqualTo(count);
        assertThat(invocation.pixels()).isEqualTo(Arrays.copyOf(PIXELS, count * DigitModel.PIXELS));
    }

    @Test
    void jsonTakesOneImageOrABatchInEachShape() {
        assertImages(json("{\"pixels\": [" + numbers(PIXELS, 0) + "]}"), true);
        assertImages(json("{\"pixels\": " + rows(PIXELS, 0) + ", \"id\": 5}"), true);
        String flat = IntStream.range(0, COUNT)
                .mapToObj(i -> "[" + numbers(PIXELS, i) + "]")
                .collect(Collectors.joining(","));
        String nested = IntStream.range(0, COUNT).mapToObj(i -> rows(PIXELS, i)).collect(Collectors.joining(","));
        String objects = IntStream.range(0, COUNT)
                .mapToObj(i -> "{\"pixels\": [" + numbers(PIXELS, i) + "]}")
                .collect(Collectors.joining(","));
        for (String list : new String[] {flat, nested, objects}) {
            assertImages(json("{\"instances\": [" + list + "]}"), false);
            assertImages(json("[" + list + "]"), false);
        }
        // fractions are rounded, as before
        Invocation rounded = json("{\"pixels\": [" + numbers(PIXELS, 0).replaceFirst("^0,1,", "0.4,0.6,") + "]}");
        assertThat(rounded.pixels()).isEqualTo(Arrays.copyOf(PIXELS, 784));
    }

    @Test
    void badJsonIsRefusedWithWhereAndWhy() {
        String[][] cases = {
            {"{\"pixels\": [1, 2, 3]}", "\"pixels\" has 3 values; an image is 784"},
            {"{\"pixels\": [\"a\"]}", "\"pixels\"[0] is \"a\"; pixels are numbers 0-255"},
            {"{\"pixels\": [256]}", "\"pixels\"[0] is 256"},
            {"{\"pixels\": [-1]}", "\"pixels\"[0] is -1"},
            {"{\"pixels\": 7}", "\"pixels\" is 7; an image is 784 numbers"},
            {"{\"pixels\": [[1, 2], [3]]}", "\"pixels\"[0] has 2 values; a row is 28"},
            {"{\"image\": []}", "the JSON needs \"pixels\": one image, or \"instances\": a list of images"},
            {"{\"instances\": []}", "\"instances\" holds no images"},
            {"{\"instances\": {}}", "\"instances\" is an object; it is a list of images"},
            {"{\"pixels\": [" + numbers(PIXELS, 0) + "], \"instances\": []}", "both \"pixels\" and \"instances\""},
            {"[1, 2, 3]", "[0] is 1; an image is 784 numbers"},
            {"[{\"values\": [1]}]", "[0] has no \"pixels\""},
            {"\"seven\"", "the JSON needs \"pixels\""},
            {"{\"pixels\": [1, 2", "not valid JSON"},
            {"{\"pixels\": [" + numbers(PIXELS, 0) + "]} {}", "more than one JSON value"},
        };
        for (String[] bad : cases) {
            assertThatThrownBy(() -> json(bad[0]))
                    .as(bad[0])
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining(bad[1]);
        }
    }

    @Test
    void jsonOfMoreThanMaxImagesIs413() {
        String image = "[" + numbers(PIXELS, 0) + "]";
        assertThat(json("[" + String.join(",", Collections.nCopies(1024, image)) + "]")
                        .count())
                .isEqualTo(1024);
        assertThatThrownBy(() -> json("[" + String.join(",", Collections.nCopies(1025, image)) + "]"))
                .isInstanceOf(PayloadTooLargeException.class)
                .hasMessage(
                        "the body holds more than 1024 images; at most 1024 are taken per request: split the batch");
    }

    @Test
    void npyTakesEachDtypeAndShapeNumPyWrites() {
        assertImages(NpyImages.read(npy("|u1", "3, 28, 28", PIXELS)), false);
        assertImages(NpyImages.read(npy("|u1", "3, 784", PIXELS)), false);
        assertImages(NpyImages.read(npy("|u1", "3, 1, 28, 28", PIXELS)), false);
        assertImages(NpyImages.read(npy("<f4", "3, 28, 28", floats(PIXELS))), false);
        Invocation one = NpyImages.read(npy("|u1", "28, 28", Arrays.copyOf(PIXELS, 784)));
        assertThat(one.count()).isEqualTo(1);
        assertThat(one.pixels()).isEqualTo(Arrays.copyOf(PIXELS, 784));
        assertThat(NpyImages.read(npy("|u1", "784,", Arrays.copyOf(PIXELS, 784)))
                        .count())
                .isEqualTo(1);
        ByteBuffer doubles = ByteBuffer.allocate(8 * PIXELS.length).order(ByteOrder.BIG_ENDIAN);
        ByteBuffer longs = ByteBuffer.allocate(8 * PIXELS.length).order(ByteOrder.LITTLE_ENDIAN);
        for (byte pixel : PIXELS) {
            doubles.putDouble(pixel & 0xFF);
            longs.putLong(pixel & 0xFF);
        }
        assertImages(NpyImages.read(npy(">f8", "3, 784", doubles.array())), false);
        assertImages(NpyImages.read(npy("<i8", "3, 28, 28", longs.array())), false);
    }

    @Test
    void theNpyHeaderIsNumPysOwn() {
        // np.save(f, np.zeros((2, 28, 28), np.uint8)) writes exactly these first 128 bytes (NumPy 2.4).
        byte[] npy = npy("|u1", "2, 28, 28", new byte[2 * 784]);
        String header = "{'descr': '|u1', 'fortran_order': False, 'shape': (2, 28, 28), }";
        assertThat(npy).hasSize(128 + 2 * 784);
        assertThat(new String(npy, 10, 118, StandardCharsets.ISO_8859_1))
                .isEqualTo(header + " ".repeat(117 - header.length()) + "\n");
        assertThat(Arrays.copyOf(npy, 10)).containsExactly(0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 118, 0);
    }

    @Test
    void malformedNpyIsRefusedWithWhatIsWrong() {
        byte[] good = npy("|u1", "3, 28, 28", PIXELS);
        byte[] badMagic = good.clone();
        badMagic[1] = 'X';
        byte[] version = good.clone();
        version[6] = 9;
        byte[] longHeader = good.clone();
        longHeader[8] = (byte) 0xFF;
        longHeader[9] = (byte) 0xFF;
        byte[] notADict = good.clone();
        notADict[10] = '[';
        byte[] outOfRange = floats(PIXELS);
        ByteBuffer.wrap(outOfRange).order(ByteOrder.LITTLE_ENDIAN).putFloat(4 * 785, 300.5f);
        assertRefused(badMagic, "not an npy array: it does not start with \\x93NUMPY");
        assertRefused(Arrays.copyOf(good, 9), "not an npy array");
        assertRefused(version, "npy format version 9.0 is not one np.save writes");
        assertRefused(longHeader, "the npy header claims 65535 bytes; the body has only");
        assertRefused(notADict, "the npy header is not a dictionary of 'descr', 'fortran_order' and 'shape'");
        assertRefused(
                new String(good, StandardCharsets.ISO_8859_1)
                        .replace("'shape'", "'shapf'")
                        .getBytes(StandardCharsets.ISO_8859_1),
                "is not a dictionary");
        assertRefused(npy("<U5", "3, 28, 28", PIXELS), "the npy array's dtype '<U5' is not taken");
        assertRefused(
                new String(good, StandardCharsets.ISO_8859_1)
                        .replace("False", "True ")
                        .getBytes(StandardCharsets.ISO_8859_1),
                "Fortran order");
        assertRefused(
                npy("|u1", "3, 27, 27", Arrays.copyOf(PIXELS, 3 * 27 * 27)),
                "an npy array of shape (3, 27, 27) is not images: send N x 28 x 28");
        assertRefused(npy("|u1", "0, 784", new byte[0]), "holds no images");
        assertRefused(
                npy("|u1", "3, 28, 28", Arrays.copyOf(PIXELS, 2000)),
                "the npy data is 2000 bytes; shape (3, 28, 28) of |u1 needs 2352");
        assertRefused(npy("<f4", "3, 784", outOfRange), "image 1 has 300.5 at pixel 1; pixels are numbers 0-255");
        assertThatThrownBy(() -> NpyImages.read(npy("|u1", "1025, 784", new byte[1025 * 784])))
                .isInstanceOf(PayloadTooLargeException.class)
                .hasMessageContaining("holds 1025 images; at most 1024");
    }

    /** The line's values with the fifth one replaced. */
    static String withFifth(String[] values, String fifth) {
        String[] changed = values.clone();
        changed[4] = fifth;
        return String.join(",", changed);
    }

    static void assertRefused(byte[] npy, String message) {
        assertThatThrownBy(() -> NpyImages.read(npy))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(message);
    }

    @Test
    void csvTakesAnImageALine() {
        assertImages(CsvImages.read(csv(PIXELS, COUNT).getBytes(StandardCharsets.US_ASCII)), false);
        String windows = csv(PIXELS, COUNT).replace(",", ", ").replace("\n", "\r\n") + "\r\n";
        assertImages(CsvImages.read(windows.getBytes(StandardCharsets.US_ASCII)), false);
        String fractions = csv(PIXELS, COUNT).replaceFirst("^0,1,", "0.0,1.2e0,");
        assertImages(CsvImages.read(fractions.getBytes(StandardCharsets.US_ASCII)), false);
    }

    @Test
    void badCsvLinesAreRefusedByLineAndValue() {
        String[] values = numbers(PIXELS, 1).split(",");
        String[][] cases = {
            {
                String.join(",", Arrays.copyOf(values, 783)),
                "line 2 has 783 values; an image is 784 (28x28, row by row), separated by commas"
            },
            {
                String.join(",", values) + ",0",
                "line 2 has 785 values; an image is 784 (28x28, row by row), separated by commas"
            },
            {withFifth(values, "x"), "line 2, value 5 is 'x'; pixels are numbers 0-255"},
            {withFifth(values, "256"), "line 2, value 5 is '256'; pixels are numbers 0-255"},
            {withFifth(values, " "), "line 2, value 5 is ''; pixels are numbers 0-255"}
        };
        for (String[] bad : cases) {
            String body = numbers(PIXELS, 0) + "\n" + bad[0] + "\n";
            assertThatThrownBy(() -> CsvImages.read(body.getBytes(StandardCharsets.US_ASCII)))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessage(bad[1]);
        }
        assertThatThrownBy(() -> CsvImages.read("\n \n".getBytes(StandardCharsets.US_ASCII)))
                .hasMessageContaining("holds no lines");
    }

    @Test
    void contentTypeChoosesTheReaderAndAcceptTheAnswer() {
        assertThat(PredictionServer.bodyType("application/json; charset=utf-8"))
                .isEqualTo(PredictionServer.BodyType.JSON);
        assertThat(PredictionServer.bodyType("application/x-npy")).isEqualTo(PredictionServer.BodyType.NPY);
        assertThat(PredictionServer.bodyType("Text/CSV")).isEqualTo(PredictionServer.BodyType.CSV);
        assertThat(PredictionServer.bodyType("image/png")).isEqualTo(PredictionServer.BodyType.IMAGE);
        assertThat(PredictionServer.bodyType(null)).isEqualTo(PredictionServer.BodyType.SNIFF);
        assertThat(PredictionServer.bodyType("application/x-www-form-urlencoded"))
                .isEqualTo(PredictionServer.BodyType.SNIFF);
        assertThat(PredictionServer.bodyType("application/xml")).isNull();
        assertThat(PredictionServer.decode(PredictionServer.BodyType.SNIFF, npy("|u1", "3, 784", PIXELS))
                        .count())
                .isEqualTo(3);
        assertThat(PredictionServer.decode(
                                PredictionServer.BodyType.SNIFF,
                                (" [[" + numbers(PIXELS, 0) + "]]").getBytes(StandardCharsets.US_ASCII))
                        .single())
                .isFalse();

        assertThat(PredictionServer.answerType(null)).isEqualTo("application/json");
        assertThat(PredictionServer.answerType("*/*")).isEqualTo("application/json");
        assertThat(PredictionServer.answerType("text/csv")).isEqualTo("text/csv");
        assertThat(PredictionServer.answerType("application/json;q=0.5, text/csv"))
                .isEqualTo("text/csv");
        assertThat(PredictionServer.answerType("text/csv;q=0.2, */*;q=0.9")).isEqualTo("application/json");
        assertThat(PredictionServer.answerType("text/html, application/xml")).isNull();
        assertThat(PredictionServer.answerType("application/json;q=0")).isNull();
    }
}
