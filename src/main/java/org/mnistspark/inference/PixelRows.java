package org.mnistspark.inference;

import java.io.Serializable;
import java.util.List;
import org.apache.spark.sql.Row;

/**
 * Reads the rows of an input table ({@link ParquetInput}: id, pixels, label): the pixels as 784
 * unsigned bytes, the label as 0-9 or null. A row that is not an image (not 784 values 0-255, or a
 * label outside 0-9) is an {@link InvalidInputException} naming the row's id.
 */
final class PixelRows implements Serializable {
    private static final long serialVersionUID = 1L;

    private final ParquetInput.PixelKind kind;
    private final String idColumn;
    private final String pixelsColumn;

    PixelRows(ParquetInput.PixelKind kind, String idColumn, String pixelsColumn) {
        this.kind = kind;
        this.idColumn = idColumn;
        this.pixelsColumn = pixelsColumn;
    }

    /** Copies the row's 784 pixels into {@code target} at {@code offset}. */
    void copyPixels(Row row, byte[] target, int offset) {
        if (row.isNullAt(1)) {
            throw bad(row, "has no pixels (null)");
        }
        if (kind == ParquetInput.PixelKind.BINARY) {
            byte[] bytes = (byte[]) row.get(1);
            if (bytes.length != DigitModel.PIXELS) {
                throw bad(
                        row,
                        "holds " + bytes.length + " bytes; an image is " + DigitModel.PIXELS + " (28x28, row by row)");
            }
            System.arraycopy(bytes, 0, target, offset, DigitModel.PIXELS);
            return;
        }
        List<Object> values = row.getList(1);
        if (values.size() != DigitModel.PIXELS) {
            throw bad(
                    row,
                    "holds " + values.size() + " values; an image is " + DigitModel.PIXELS + " (28x28, row by row)");
        }
        for (int p = 0; p < DigitModel.PIXELS; p++) {
            Object value = values.get(p);
            if (value == null) {
                throw bad(row, "has a null at position " + p);
            }
            long pixel = ((Number) value).longValue();
            if (kind == ParquetInput.PixelKind.SIGNED_BYTES) {
                pixel &= 0xFF;
            } else if (pixel < 0 || pixel > 255) {
                throw bad(row, "has " + pixel + " at position " + p + ", outside 0-255");
            }
            target[offset + p] = (byte) pixel;
        }
    }

    /** The row's label, or null. */
    Integer label(Row row) {
        if (row.isNullAt(2)) {
            return null;
        }
        int label = row.getInt(2);
        if (label < 0 || label > 9) {
            throw new InvalidInputException(
                    "the row with " + idColumn + " = " + row.get(0) + " has label " + label + ", outside 0-9");
        }
        return label;
    }

    /** Throws the row's problem, if it has one. */
    void check(Row row) {
        copyPixels(row, new byte[DigitModel.PIXELS], 0);
        label(row);
    }

    private InvalidInputException bad(Row row, String problem) {
        return new InvalidInputException(
                "the row with " + idColumn + " = " + row.get(0) + ": column '" + pixelsColumn + "' " + problem);
    }
}
