package org.mnistspark.data;

import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.zip.GZIPInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Reads MNIST's IDX files (plain or gzip-compressed) through Hadoop's FileSystem API, so that
 * {@code file:}, {@code hdfs:} and {@code s3a:} paths all work. Every check names the file.
 *
 * <p>Format: a big-endian magic number {@code 0x00 0x00 type dims} (type 0x08 = unsigned byte),
 * one big-endian int per dimension, then the values.
 */
public final class IdxReader {
    static final int UNSIGNED_BYTE = 0x08;

    private IdxReader() {}

    /** Reads an image file (3 dimensions) and its label file (1 dimension) and checks they agree. */
    public static MnistImages read(Path images, Path labels, Configuration hadoop) throws IOException {
        return read(images, readAll(images, hadoop), labels, readAll(labels, hadoop));
    }

    /** The same from the files' (decompressed) contents; the paths name them in errors. */
    static MnistImages read(Path images, byte[] imageBytes, Path labels, byte[] labelBytes) {
        Idx imageFile = parse(images, imageBytes, 3);
        Idx labelFile = parse(labels, labelBytes, 1);
        int count = imageFile.dims[0];
        if (labelFile.dims[0] != count) {
            throw new InvalidDataException(
                    labels + ": has " + labelFile.dims[0] + " labels but " + images + " has " + count + " images");
        }
        byte[] labelValues = labelFile.values;
        for (int i = 0; i < labelValues.length; i++) {
            if (labelValues[i] < 0 || labelValues[i] > 9) {
                throw new InvalidDataException(
                        labels + ": label " + (labelValues[i] & 0xFF) + " at index " + i + " is outside 0-9");
            }
        }
        return new MnistImages(count, imageFile.dims[1], imageFile.dims[2], imageFile.values, labelValues);
    }

    /** The parsed header and the values that follow it. */
    public record Idx(int[] dims, byte[] values) {}

    /** One IDX file of {@code expectedDims} dimensions, checked as {@link #read} checks it: images without labels, say. */
    public static Idx read(Path file, int expectedDims, Configuration hadoop) throws IOException {
        return parse(file, readAll(file, hadoop), expectedDims);
    }

    static Idx parse(Path file, byte[] bytes, int expectedDims) {
        if (bytes.length < 4) {
            throw new InvalidDataException(file + ": too short for an IDX header (" + bytes.length + " bytes)");
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes); // big-endian, as IDX is
        int magic = buffer.getInt();
        int type = (magic >>> 8) & 0xFF;
        int dims = magic & 0xFF;
        if ((magic >>> 16) != 0 || type != UNSIGNED_BYTE || dims != expectedDims) {
            throw new InvalidDataException(String.format(
                    "%s: bad magic number 0x%08X, expected 0x%08X (unsigned bytes, %d dimension%s); is this the right file?",
                    file, magic, (UNSIGNED_BYTE << 8) | expectedDims, expectedDims, expectedDims == 1 ? "" : "s"));
        }
        if (bytes.length < 4 + 4 * dims) {
            throw new InvalidDataException(file + ": truncated header (" + bytes.length + " bytes)");
        }
        int[] sizes = new int[dims];
        long expectedValues = 1;
        for (int d = 0; d < dims; d++) {
            sizes[d] = buffer.getInt();
            if (sizes[d] <= 0) {
                throw new InvalidDataException(file + ": dimension " + d + " has size " + sizes[d]);
            }
            // Capped so that a nonsense header cannot overflow; anything past the file's size is truncation.
            expectedValues = Math.min(expectedValues * sizes[d], Integer.MAX_VALUE + 1L);
        }
        long actualValues = bytes.length - buffer.position();
        if (actualValues < expectedValues) {
            throw new InvalidDataException(file + ": truncated: the header promises "
                    + (expectedValues > Integer.MAX_VALUE ? "more than 2^31" : String.valueOf(expectedValues))
                    + " values but the file holds " + actualValues);
        }
        if (actualValues > expectedValues) {
            throw new InvalidDataException(file + ": " + (actualValues - expectedValues) + " bytes after the "
                    + expectedValues + " values the header promises");
        }
        byte[] values = new byte[(int) expectedValues];
        buffer.get(values);
        return new Idx(sizes, values);
    }

    /** The whole file, decompressed if its name ends with .gz. */
    static byte[] readAll(Path file, Configuration hadoop) throws IOException {
        FileSystem fs = file.getFileSystem(hadoop);
        if (!fs.exists(file)) {
            throw new FileNotFoundException("MNIST file not found: " + file);
        }
        try (InputStream raw = fs.open(file);
                InputStream in = file.getName().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 20);
            in.transferTo(out);
            return out.toByteArray();
        } catch (java.util.zip.ZipException | java.io.EOFException e) {
            throw new InvalidDataException(file + ": corrupt gzip data (" + e.getMessage() + ")", e);
        }
    }
}
