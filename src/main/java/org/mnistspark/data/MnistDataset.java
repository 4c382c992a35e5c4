package org.mnistspark.data;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.mnistspark.storage.Sha256;

/**
 * MNIST's training and test sets, read from a folder holding the four original IDX files
 * ({@code train-images-idx3-ubyte} and so on, each plain or {@code .gz}), with the SHA-256 of each
 * file's IDX content (decompressed) under its plain name, in name order.
 */
public record MnistDataset(String location, MnistImages train, MnistImages test, Map<String, String> sha256) {

    public static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    public static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    public static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    public static final String TEST_LABELS = "t10k-labels-idx1-ubyte";

    /** Reads and checks the four files in {@code dir}: any Hadoop path. */
    public static MnistDataset load(String dir, Configuration hadoop) throws IOException {
        Path folder = new Path(dir);
        FileSystem fs = folder.getFileSystem(hadoop);
        Path qualified = fs.makeQualified(folder);
        Path trainImages = locate(fs, qualified, TRAIN_IMAGES);
        Path trainLabels = locate(fs, qualified, TRAIN_LABELS);
        Path testImages = locate(fs, qualified, TEST_IMAGES);
        Path testLabels = locate(fs, qualified, TEST_LABELS);
        // Each file is read once. Its sum is of the IDX content, so a .gz copy of the same data gets the
        // published sum under the plain name. Sorted by name: sums feed trial ids and cache keys.
        Map<String, String> sums = new TreeMap<>();
        byte[] trainImageBytes = readAndSum(trainImages, TRAIN_IMAGES, hadoop, sums);
        byte[] trainLabelBytes = readAndSum(trainLabels, TRAIN_LABELS, hadoop, sums);
        byte[] testImageBytes = readAndSum(testImages, TEST_IMAGES, hadoop, sums);
        byte[] testLabelBytes = readAndSum(testLabels, TEST_LABELS, hadoop, sums);
        MnistImages train = IdxReader.read(trainImages, trainImageBytes, trainLabels, trainLabelBytes);
        MnistImages test = IdxReader.read(testImages, testImageBytes, testLabels, testLabelBytes);
        requireSide(trainImages, train);
        requireSide(testImages, test);
        return new MnistDataset(qualified.toString(), train, test, Collections.unmodifiableMap(sums));
    }

    private static void requireSide(Path file, MnistImages images) {
        if (images.rows() != 28 || images.cols() != 28) {
            throw new InvalidDataException(
                    file + ": images are " + images.rows() + "x" + images.cols() + " pixels; the model takes 28x28");
        }
    }

    private static Path locate(FileSystem fs, Path dir, String name) throws IOException {
        Path plain = new Path(dir, name);
        if (fs.exists(plain)) {
            return plain;
        }
        Path gz = new Path(dir, name + ".gz");
        if (fs.exists(gz)) {
            return gz;
        }
        throw new FileNotFoundException("MNIST file not found: " + plain + " (nor " + gz.getName()
                + "); run submit/fetch-mnist.sh, or set data.dir to the folder that holds the IDX files");
    }

    private static byte[] readAndSum(Path file, String name, Configuration hadoop, Map<String, String> sums)
            throws IOException {
        byte[] content = IdxReader.readAll(file, hadoop);
        sums.put(name, Sha256.hex(content));
        return content;
    }
}
