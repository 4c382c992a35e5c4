package org.mnistspark.inference;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.mnistspark.data.IdxReader;
import org.mnistspark.data.MnistDataset;
import org.mnistspark.data.MnistImages;

/**
 * Images in IDX files, MNIST's format, on any Hadoop path: a folder in MNIST's layout (its test images,
 * {@code t10k-images-idx3-ubyte}, plain or {@code .gz}; or the folder's one {@code *images-idx3-ubyte}
 * file), or an image file itself. The labels are the file of the same name with
 * {@code labels-idx1-ubyte} for {@code images-idx3-ubyte}, if it exists; without it images are
 * predicted unlabelled. With labels, {@link IdxReader} reads both and checks that they agree.
 */
final class IdxInput {
    private static final String IMAGES = "images-idx3-ubyte";
    private static final String LABELS = "labels-idx1-ubyte";

    private IdxInput() {}

    /** The IDX image file {@code location} names, or null when it names none (a Parquet table, say). */
    static Path locate(FileSystem fs, Path location) throws IOException {
        FileStatus status = fs.getFileStatus(location); // FileNotFoundException naming it if absent
        if (status.isFile()) {
            return location.getName().contains("idx3") ? location : null;
        }
        for (String name : List.of(MnistDataset.TEST_IMAGES, MnistDataset.TEST_IMAGES + ".gz")) {
            if (fs.isFile(new Path(location, name))) {
                return new Path(location, name);
            }
        }
        List<Path> candidates = new ArrayList<>();
        for (FileStatus file : fs.listStatus(location)) {
            String name = file.getPath().getName();
            if (file.isFile() && (name.endsWith(IMAGES) || name.endsWith(IMAGES + ".gz"))) {
                candidates.add(file.getPath());
            }
        }
        if (candidates.size() > 1) {
            throw new InvalidInputException(location + " holds several IDX image files ("
                    + candidates.stream().map(Path::getName).sorted().toList() + ") and no " + MnistDataset.TEST_IMAGES
                    + ": give one of them as --images");
        }
        return candidates.isEmpty() ? null : candidates.get(0);
    }

    /** The images of {@code file} and its labels if they exist, the first {@code limit} (0: all). */
    static Images read(FileSystem fs, Path file, int limit, Configuration hadoop) throws IOException {
        Path labels = labelsOf(fs, file);
        if (labels != null) {
            MnistImages read = IdxReader.read(file, labels, hadoop);
            checkSide(file, read.rows(), read.cols());
            return new Images(read.count(), read.pixels(), read.labels()).first(limit);
        }
        return readImagesOnly(file, hadoop).first(limit);
    }

    /** Where labels for {@code images} would be: the same name with labels-idx1 for images-idx3, if it exists. */
    static Path labelsOf(FileSystem fs, Path images) throws IOException {
        String name = images.getName();
        if (!name.contains(IMAGES)) {
            return null;
        }
        String plain = name.replace(IMAGES, LABELS).replaceAll("\\.gz$", "");
        for (String candidate : List.of(plain, plain + ".gz")) {
            Path labels = new Path(images.getParent(), candidate);
            if (fs.isFile(labels)) {
                return labels;
            }
        }
        return null;
    }

    private static void checkSide(Path file, int rows, int cols) {
        if (rows != DigitModel.SIDE || cols != DigitModel.SIDE) {
            throw new InvalidInputException(file + ": images are " + rows + "x" + cols + " = " + rows * cols
                    + " pixels; the model takes 28x28 = " + DigitModel.PIXELS);
        }
    }

    /** An image file without labels, as IdxReader checks it. */
    private static Images readImagesOnly(Path file, Configuration hadoop) throws IOException {
        IdxReader.Idx images = IdxReader.read(file, 3, hadoop);
        checkSide(file, images.dims()[1], images.dims()[2]);
        return new Images(images.dims()[0], images.values(), null);
    }
}
