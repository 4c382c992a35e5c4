package org.mnistspark.results;

import java.util.List;
import java.util.function.Function;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A table's columns, each with its name, Spark type and the record value it holds: the schema and the
 * rows come from this one list, so they cannot drift apart. Columns are only ever added (see
 * ResultsSchemaCompatibilityTest).
 */
final class Columns<R> {
    record Column<R>(String name, DataType type, boolean nullable, Function<R, Object> value) {}

    private final List<Column<R>> columns;
    private final StructType schema;

    @SafeVarargs
    Columns(Column<R>... columns) {
        this(List.of(columns));
    }

    Columns(List<Column<R>> columns) {
        this.columns = List.copyOf(columns);
        this.schema = new StructType(this.columns.stream()
                .map(c -> new StructField(c.name(), c.type(), c.nullable(), Metadata.empty()))
                .toArray(StructField[]::new));
    }

    static <R> Column<R> column(String name, DataType type, Function<R, Object> value) {
        return new Column<>(name, type, false, value);
    }

    static <R> Column<R> nullable(String name, DataType type, Function<R, Object> value) {
        return new Column<>(name, type, true, value);
    }

    /** The Spark type of a value of {@code type}: an enum is stored as its name. */
    static DataType sparkType(Class<?> type) {
        if (type == Integer.class) return DataTypes.IntegerType;
        if (type == Long.class) return DataTypes.LongType;
        if (type == Double.class) return DataTypes.DoubleType;
        if (type == String.class || type.isEnum()) return DataTypes.StringType;
        throw new IllegalArgumentException("no column type for " + type.getName());
    }

    StructType schema() {
        return schema;
    }

    Row row(R record) {
        return RowFactory.create(
                columns.stream().map(c -> c.value().apply(record)).toArray());
    }
}
