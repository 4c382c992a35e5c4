package org.mnistspark.data;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IdxReaderTest {
    @TempDir
    java.nio.file.Path dir;

    private final Configuration hadoop = new Configuration();

    /** An IDX file: magic (unsigned byte, dims.length dimensions), sizes, then the values. */
    static byte[] idx(int[] dims, byte[] values) {
        ByteBuffer buffer = ByteBuffer.allocate(4 + 4 * dims.length + values.length);
        buffer.putInt(0x0800 | dims.length);
        for (int d : dims) {
            buffer.putInt(d);
        }
        buffer.put(values);
        return buffer.array();
    }

    private Path write(String name, byte[] bytes) throws IOException {
        java.nio.file.Path file = dir.resolve(name);
        if (name.endsWith(".gz")) {
            try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
                out.write(bytes);
            }
        } else {
            Files.write(file, bytes);
        }
        return new Path(file.toUri());
    }

    private static byte[] pixels(int count, int rows, int cols) {
        byte[] values = new byte[count * rows * cols];
        for (int i = 0; i < values.length; i++) {
            values[i] = (byte) (i * 7);
        }
        return values;
    }

    @Test
    void readsImagesAndLabels() throws IOException {
        byte[] pixels = pixels(3, 4, 5);
        Path images = write("images", idx(new int[] {3, 4, 5}, pixels));
        Path labels = write("labels", idx(new int[] {3}, new byte[] {7, 0, 9}));
        MnistImages read = IdxReader.read(images, labels, hadoop);
        assertEquals(3, read.count());
        assertEquals(4, read.rows());
        assertEquals(5, read.cols());
        assertArrayEquals(pixels, read.pixels());
        assertEquals(9, read.label(2));
    }

    @Test
    void readsGzipFiles() throws IOException {
        byte[] pixels = pixels(2, 3, 3);
        Path images = write("images.gz", idx(new int[] {2, 3, 3}, pixels));
        Path labels = write("labels.gz", idx(new int[] {2}, new byte[] {1, 2}));
        MnistImages read = IdxReader.read(images, labels, hadoop);
        assertArrayEquals(pixels, read.pixels());
        assertArrayEquals(new byte[] {1, 2}, read.labels());
    }

    @Test
    void rejectsBadMagicNamingTheFile() throws IOException {
        byte[] bytes = idx(new int[] {2, 2, 2}, pixels(2, 2, 2));
        bytes[2] = 0x0D; // float data instead of unsigned bytes
        Path images = write("images", bytes);
        Path labels = write("labels", idx(new int[] {2}, new byte[] {1, 2}));
        InvalidDataException e = assertThrows(InvalidDataException.class, () -> IdxReader.read(images, labels, hadoop));
        assertTrue(e.getMessage().contains(images.toString()) && e.getMessage().contains("bad magic number"), e.getMessage());
    }

    @Test
    void rejectsLabelFileGivenAsImages() throws IOException {
        Path labelsAsImages = write("labels-as-images", idx(new int[] {2}, new byte[] {1, 2}));
        Path labels = write("labels", idx(new int[] {2}, new byte[] {1, 2}));
        InvalidDataException e = assertThrows(InvalidDataException.class,
                () -> IdxReader.read(labelsAsImages, labels, hadoop));
        assertTrue(e.getMessage().contains("3 dimensions"), e.getMessage());
    }

    @Test
    void rejectsTruncatedFile() throws IOException {
        byte[] whole = idx(new int[] {3, 4, 4}, pixels(3, 4, 4));
        Path images = write("images", Arrays.copyOf(whole, whole.length - 5));
        Path labels = write("labels", idx(new int[] {3}, new byte[] {1, 2, 3}));
        InvalidDataException e = assertThrows(InvalidDataException.class, () -> IdxReader.read(images, labels, hadoop));
        assertTrue(e.getMessage().contains(images.toString()) && e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void rejectsTruncatedHeader() throws IOException {
        Path images = write("images", Arrays.copyOf(idx(new int[] {3, 4, 4}, new byte[0]), 9));
        Path labels = write("labels", idx(new int[] {3}, new byte[] {1, 2, 3}));
        InvalidDataException e = assertThrows(InvalidDataException.class, () -> IdxReader.read(images, labels, hadoop));
        assertTrue(e.getMessage().contains("truncated header"), e.getMessage());
    }

    @Test
    void rejectsTrailingBytes() throws IOException {
        byte[] whole = idx(new int[] {2}, new byte[] {1, 2});
        Path images = write("images", idx(new int[] {2, 2, 2}, pixels(2, 2, 2)));
        Path labels = write("labels", Arrays.copyOf(whole, whole.length + 3));
        InvalidDataException e = assertThrows(InvalidDataException.class, () -> IdxReader.read(images, labels, hadoop));
        assertTrue(e.getMessage().contains(labels.toString()) && e.getMessage().contains("3 bytes after"), e.getMessage());
    }

    @Test
    void rejectsCountMismatchBetweenImagesAndLabels() throws IOException {
        Path images = write("images", idx(new int[] {3, 2, 2}, pixels(3, 2, 2)));
        Path labels = write("labels", idx(new int[] {2}, new byte[] {1, 2}));
        InvalidDataException e = assertThrows(InvalidDataException.class, () -> IdxReader.read(images, labels, hadoop));
        assertTrue(e.getMessage().contains("has 2 labels but") && e.getMessage().contains("3 images"), e.getMessage());
    }

    @Test
    void rejectsLabelOutOfRange() throws IOException {
        Path images = write("images", idx(new int[] {3, 2, 2}, pixels(3, 2, 2)));
        Path labels = write("labels", idx(new int[] {3}, new byte[] {1, 10, 2}));
        InvalidDataException e = assertThrows(InvalidDataException.class, () -> IdxReader.read(images, labels, hadoop));
        assertTrue(e.getMessage().contains(labels.toString()) && e.getMessage().contains("label 10 at index 1"),
                e.getMessage());
    }

    @Test
    void rejectsMissingFile() throws IOException {
        Path images = new Path(dir.resolve("no-such-file").toUri());
        Path labels = write("labels", idx(new int[] {1}, new byte[] {1}));
        FileNotFoundException e = assertThrows(FileNotFoundException.class, () -> IdxReader.read(images, labels, hadoop));
        assertTrue(e.getMessage().contains("no-such-file"), e.getMessage());
    }

    @Test
    void rejectsCorruptGzip() throws IOException {
        Files.write(dir.resolve("images.gz"), new byte[] {0x1f, (byte) 0x8b, 8, 0, 1, 2, 3});
        Path images = new Path(dir.resolve("images.gz").toUri());
        Path labels = write("labels", idx(new int[] {1}, new byte[] {1}));
        InvalidDataException e = assertThrows(InvalidDataException.class, () -> IdxReader.read(images, labels, hadoop));
        assertTrue(e.getMessage().contains("images.gz") && e.getMessage().contains("gzip"), e.getMessage());
    }

    @Test
    void datasetNamesTheMissingMnistFileAndHowToFetchIt() throws IOException {
        write("train-images-idx3-ubyte", idx(new int[] {1, 28, 28}, new byte[784]));
        FileNotFoundException e = assertThrows(FileNotFoundException.class,
                () -> MnistDataset.load(dir.toString(), hadoop));
        assertTrue(e.getMessage().contains("train-labels-idx1-ubyte") && e.getMessage().contains("fetch-mnist.sh"),
                e.getMessage());
    }

    @Test
    void datasetReadsTheRealMnistFilesWithTheirSums() throws IOException {
        MnistDataset mnist = MnistDataset.load(org.mnistspark.TestSpark.mnistDir().toString(), hadoop);
        assertEquals(60_000, mnist.train().count());
        assertEquals(10_000, mnist.test().count());
        assertEquals("ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
                mnist.sha256().get(MnistDataset.TRAIN_IMAGES));
        assertEquals(List.of("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte", "train-images-idx3-ubyte",
                "train-labels-idx1-ubyte"), List.copyOf(mnist.sha256().keySet()), "a stable order for trial ids");
        // The first training image of MNIST is a 5.
        assertEquals(5, mnist.train().label(0));
    }

    @Test
    void gzippedMnistHasThePlainFilesSumsUnderThePlainNames() throws IOException {
        for (String name : MnistStaging.MNIST_SHA256.keySet()) {
            write(name + ".gz", Files.readAllBytes(org.mnistspark.TestSpark.mnistDir().resolve(name)));
        }
        MnistDataset gzipped = MnistDataset.load(dir.toString(), hadoop);
        // The same data must give the same trial ids and cache keys, compressed or not.
        assertEquals(MnistStaging.MNIST_SHA256, gzipped.sha256());
        assertEquals(60_000, gzipped.train().count());
    }

    @Test
    void aHeaderPromisingMoreThanTwoBillionValuesIsTruncationNotOverflow() throws IOException {
        Path images = write("images", idx(new int[] {1 << 21, 1 << 21, 1 << 21}, new byte[10]));
        Path labels = write("labels", idx(new int[] {1}, new byte[] {1}));
        InvalidDataException e = assertThrows(InvalidDataException.class, () -> IdxReader.read(images, labels, hadoop));
        assertTrue(e.getMessage().contains("truncated") && !e.getMessage().matches("(?s).* -\\d.*"), e.getMessage());
    }
}
