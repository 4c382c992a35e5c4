package org.mnistspark.inference;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.IntegralType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Images in a Parquet table, one row per image: an id column (any type; it keys the output rows), a
 * pixel column holding the 784 pixels row by row, 0 = black background, 255 = white ink (MNIST's
 * polarity), either as {@code binary} (784 unsigned bytes) or as an array of integers ({@code array<int>},
 * {@code array<short>}, {@code array<long>} with values 0-255, or {@code array<byte>}, whose signed
 * values are read as unsigned: -1 is 255), and optionally a label column (integers 0-9, null when
 * unknown). Columns and rows are checked before the prediction job: a bad row is reported by its id.
 */
final class ParquetInput {
    /** How the pixel column holds an image. */
    enum PixelKind {
        BINARY,
        SIGNED_BYTES,
        INTEGERS
    }

    /** The columns of {@link #rows}. */
    static final String KEY = "_key";

    static final String PIXELS = "_pixels";
    static final String LABEL = "_label";

    final Dataset<Row> rows; // KEY, PIXELS, LABEL (null when the table has no labels)
    final StructField id;
    final String pixelsColumn;
    final PixelKind kind;
    final boolean labelled;

    private ParquetInput(Dataset<Row> rows, StructField id, String pixelsColumn, PixelKind kind, boolean labelled) {
        this.rows = rows;
        this.id = id;
        this.pixelsColumn = pixelsColumn;
        this.kind = kind;
        this.labelled = labelled;
    }

    /**
     * @param labelColumn the label column; null: "label" if the table has it, else none
     */
    static ParquetInput open(
            SparkSession spark, String location, String idColumn, String pixelsColumn, String labelColumn) {
        Dataset<Row> table;
        try {
            table = spark.read().parquet(location);
        } catch (Exception e) {
            if (!(e instanceof AnalysisException bad)) { // a Scala exception javac does not see declared
                throw e;
            }
            throw new InvalidInputException(
                    "--images " + location + " is neither IDX files nor a Parquet table: " + bad.getSimpleMessage());
        }
        StructType schema = table.schema();
        StructField id = field(schema, idColumn, "id", location, "--id-column");
        StructField pixels = field(schema, pixelsColumn, "pixel", location, "--pixels-column");
        PixelKind kind = kindOf(pixels.dataType());
        if (kind == null) {
            throw new InvalidInputException("column '" + pixelsColumn + "' of " + location + " is "
                    + pixels.dataType().simpleString() + "; the pixels must be binary (784 bytes) or an array of "
                    + "784 integers 0-255");
        }
        Column label;
        boolean labelled;
        if (labelColumn == null && !Arrays.asList(schema.fieldNames()).contains("label")) {
            label = lit(null).cast(DataTypes.IntegerType);
            labelled = false;
        } else {
            StructField labels =
                    field(schema, labelColumn == null ? "label" : labelColumn, "label", location, "--label-column");
            if (!(labels.dataType() instanceof IntegralType)) {
                throw new InvalidInputException("column '" + labels.name() + "' of " + location + " is "
                        + labels.dataType().simpleString() + "; labels must be integers 0-9");
            }
            label = column(labels.name()).cast(DataTypes.IntegerType);
            labelled = true;
        }
        return new ParquetInput(
                table.select(column(id.name()).as(KEY), column(pixels.name()).as(PIXELS), label.as(LABEL)),
                id,
                pixels.name(),
                kind,
                labelled);
    }

    /** How the tasks read these rows. */
    PixelRows reader() {
        return new PixelRows(kind, id.name(), pixelsColumn);
    }

    /**
     * Finds the first row that is no image, with a query over the table (no task fails on it), and throws
     * its problem: 784 values 0-255 (any byte for signed bytes), a label 0-9 or null.
     */
    void checkRows() {
        String pixels = PIXELS;
        String bad = switch (kind) {
            case BINARY -> pixels + " IS NULL OR length(" + pixels + ") != " + DigitModel.PIXELS;
            case SIGNED_BYTES ->
                pixels + " IS NULL OR size(" + pixels + ") != " + DigitModel.PIXELS + " OR exists(" + pixels
                        + ", p -> p IS NULL)";
            case INTEGERS ->
                pixels + " IS NULL OR size(" + pixels + ") != " + DigitModel.PIXELS + " OR exists(" + pixels
                        + ", p -> p IS NULL OR p < 0 OR p > 255)";
        };
        Column badRow = expr(bad);
        if (labelled) {
            Column label = col(LABEL);
            badRow = badRow.or(label.isNotNull().and(label.lt(0).or(label.gt(9))));
        }
        List<Row> first = rows.where(badRow).limit(1).collectAsList();
        if (!first.isEmpty()) {
            reader().check(first.get(0));
            throw new IllegalStateException("the row with " + id.name() + " = "
                    + first.get(0).get(0) + " failed the query's check but not the reader's");
        }
    }

    /** A column by its exact name, dots and all. */
    private static Column column(String name) {
        return col("`" + name.replace("`", "``") + "`");
    }

    private static StructField field(StructType schema, String name, String what, String location, String option) {
        for (StructField field : schema.fields()) {
            if (field.name().equals(name)) {
                return field;
            }
        }
        throw new InvalidInputException("the Parquet table " + location + " has no " + what + " column '" + name
                + "' (its columns: " + String.join(", ", schema.fieldNames()) + "); name it with " + option);
    }

    private static PixelKind kindOf(DataType type) {
        if (type.equals(DataTypes.BinaryType)) {
            return PixelKind.BINARY;
        }
        if (type instanceof ArrayType array) {
            if (array.elementType().equals(DataTypes.ByteType)) {
                return PixelKind.SIGNED_BYTES;
            }
            if (array.elementType() instanceof IntegralType) {
                return PixelKind.INTEGERS;
            }
        }
        return null;
    }
}
