package org.mnistspark.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
        assertThat(read.count()).isEqualTo(3);
        assertThat(read.rows()).isEqualTo(4);
        assertThat(read.cols()).isEqualTo(5);
        assertThat(read.pixels()).isEqualTo(pixels);
        assertThat(read.label(2)).isEqualTo(9);
    }

    @Test
    void readsGzipFiles() throws IOException {
        byte[] pixels = pixels(2, 3, 3);
        Path images = write("images.gz", idx(new int[] {2, 3, 3}, pixels));
        Path labels = write("labels.gz", idx(new int[] {2}, new byte[] {1, 2}));
        MnistImages read = IdxReader.read(images, labels, hadoop);
        assertThat(read.pixels()).isEqualTo(pixels);
        assertThat(read.labels()).containsExactly(1, 2);
    }

    @Test
    void rejectsBadMagicNamingTheFile() throws IOException {
        byte[] bytes = idx(new int[] {2, 2, 2}, pixels(2, 2, 2));
        bytes[2] = 0x0D; // float data instead of unsigned bytes
        Path images = write("images", bytes);
        Path labels = write("labels", idx(new int[] {2}, new byte[] {1, 2}));
        assertThatThrownBy(() -> IdxReader.read(images, labels, hadoop))
                .isInstanceOf(InvalidDataException.class)
                .hasMessageContaining(images.toString())
                .hasMessageContaining("bad magic number");
    }

    @Test
    void rejectsLabelFileGivenAsImages() throws IOException {
        Path labelsAsImages = write("labels-as-images", idx(new int[] {2}, new byte[] {1, 2}));
        Path labels = write("labels", idx(new int[] {2}, new byte[] {1, 2}));
        assertThatThrownBy(() -> IdxReader.read(labelsAsImages, labels, hadoop))
                .isInstanceOf(InvalidDataException.class)
                .hasMessageContaining("3 dimensions");
    }

    @Test
    void rejectsTruncatedFile() throws IOException {
        byte[] whole = idx(new int[] {3, 4, 4}, pixels(3, 4, 4));
        Path images = write("images", Arrays.copyOf(whole, whole.length - 5));
        Path labels = write("labels", idx(new int[] {3}, new byte[] {1, 2, 3}));
        assertThatThrownBy(() -> IdxReader.read(images, labels, hadoop))
                .isInstanceOf(InvalidDataException.class)
                .hasMessageContaining(images.toString())
                .hasMessageContaining("truncated");
    }

    @Test
    void rejectsTruncatedHeader() throws IOException {
        Path images = write("images", Arrays.copyOf(idx(new int[] {3, 4, 4}, new byte[0]), 9));
        Path labels = write("labels", idx(new int[] {3}, new byte[] {1, 2, 3}));
        assertThatThrownBy(() -> IdxReader.read(images, labels, hadoop))
                .isInstanceOf(InvalidDataException.class)
                .hasMessageContaining("truncated header");
    }

    @Test
    void rejectsTrailingBytes() throws IOException {
        byte[] whole = idx(new int[] {2}, new byte[] {1, 2});
        Path images = write("images", idx(new int[] {2, 2, 2}, pixels(2, 2, 2)));
        Path labels = write("labels", Arrays.copyOf(whole, whole.length + 3));
        assertThatThrownBy(() -> IdxReader.read(images, labels, hadoop))
                .isInstanceOf(InvalidDataException.class)
                .hasMessageContaining(labels.toString())
                .hasMessageContaining("3 bytes after");
    }

    @Test
    void rejectsCountMismatchBetweenImagesAndLabels() throws IOException {
        Path images = write("images", idx(new int[] {3, 2, 2}, pixels(3, 2, 2)));
        Path labels = write("labels", idx(new int[] {2}, new byte[] {1, 2}));
        assertThatThrownBy(() -> IdxReader.read(images, labels, hadoop))
                .isInstanceOf(InvalidDataException.class)
                .hasMessageContaining("has 2 labels but")
                .hasMessageContaining("3 images");
    }

    @Test
    void rejectsLabelOutOfRange() throws IOException {
        Path images = write("images", idx(new int[] {3, 2, 2}, pixels(3, 2, 2)));
        Path labels = write("labels", idx(new int[] {3}, new byte[] {1, 10, 2}));
        assertThatThrownBy(() -> IdxReader.read(images, labels, hadoop))
                .isInstanceOf(InvalidDataException.class)
                .hasMessageContaining(labels.toString())
                .hasMessageContaining("label 10 at index 1");
    }

    @Test
    void rejectsMissingFile() throws IOException {
        Path images = new Path(dir.resolve("no-such-file").toUri());
        Path labels = write("labels", idx(new int[] {1}, new byte[] {1}));
        assertThatThrownBy(() -> IdxReader.read(images, labels, hadoop))
                .isInstanceOf(FileNotFoundException.class)
                .hasMessageContaining("no-such-file");
    }

    @Test
    void rejectsCorruptGzip() throws IOException {
        Files.write(dir.resolve("images.gz"), new byte[] {0x1f, (byte) 0x8b, 8, 0, 1, 2, 3});
        Path images = new Path(dir.resolve("images.gz").toUri());
        Path labels = write("labels", idx(new int[] {1}, new byte[] {1}));
        assertThatThrownBy(() -> IdxReader.read(images, labels, hadoop))
                .isInstanceOf(InvalidDataException.class)
                .hasMessageContaining("images.gz")
                .hasMessageContaining("gzip");
    }

    @Test
    void datasetNamesTheMissingMnistFileAndHowToFetchIt() throws IOException {
        write("train-images-idx3-ubyte", idx(new int[] {1, 28, 28}, new byte[784]));
        assertThatThrownBy(() -> MnistDataset.load(dir.toString(), hadoop))
                .isInstanceOf(FileNotFoundException.class)
                .hasMessageContaining("train-labels-idx1-ubyte")
                .hasMessageContaining("fetch-mnist.sh");
    }

    @Test
    void datasetReadsTheRealMnistFilesWithTheirSums() throws IOException {
        MnistDataset mnist =
                MnistDataset.load(org.mnistspark.TestSpark.mnistDir().toString(), hadoop);
        assertThat(mnist.train().count()).isEqualTo(60_000);
        assertThat(mnist.test().count()).isEqualTo(10_000);
        assertThat(mnist.sha256().get(MnistDataset.TRAIN_IMAGES))
                .isEqualTo("ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db");
        assertThat(mnist.sha256().keySet())
                .as("a stable order for trial ids")
                .containsExactly(
                        "t10k-images-idx3-ubyte",
                        "t10k-labels-idx1-ubyte",
                        "train-images-idx3-ubyte",
                        "train-labels-idx1-ubyte");
        // The first training image of MNIST is a 5.
        assertThat(mnist.train().label(0)).isEqualTo(5);
    }

    @Test
    void gzippedMnistHasThePlainFilesSumsUnderThePlainNames() throws IOException {
        for (String name : MnistStaging.MNIST_SHA256.keySet()) {
            write(
                    name + ".gz",
                    Files.readAllBytes(org.mnistspark.TestSpark.mnistDir().resolve(name)));
        }
        MnistDataset gzipped = MnistDataset.load(dir.toString(), hadoop);
        // The same data must give the same trial ids and cache keys, compressed or not.
        assertThat(gzipped.sha256()).isEqualTo(MnistStaging.MNIST_SHA256);
        assertThat(gzipped.train().count()).isEqualTo(60_000);
    }

    @Test
    void aHeaderPromisingMoreThanTwoBillionValuesIsTruncationNotOverflow() throws IOException {
        Path images = write("images", idx(new int[] {1 << 21, 1 << 21, 1 << 21}, new byte[10]));
        Path labels = write("labels", idx(new int[] {1}, new byte[] {1}));
        assertThatThrownBy(() -> IdxReader.read(images, labels, hadoop))
                .isInstanceOf(InvalidDataException.class)
                .message()
                .contains("truncated")
                .as("no overflowed negative size in the message")
                .doesNotMatch("(?s).* -\\d.*");
    }
}
