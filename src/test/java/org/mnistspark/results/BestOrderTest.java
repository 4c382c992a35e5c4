package org.mnistspark.results;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.mnistspark.TestSpark;

/**
 * The one order of "best" is the same in its three forms (SQL, Spark columns, Java comparator), down to
 * exact ties, NaN, null and -0.0; the views' SQL uses it and names statuses by {@link Status}.
 */
class BestOrderTest {
    private final SparkSession spark = TestSpark.session();

    private static final StructType SCHEMA = new StructType()
            .add("trial_id", DataTypes.StringType)
            .add("run_id", DataTypes.StringType)
            .add("test_accuracy_last", DataTypes.DoubleType, true)
            .add("test_loss_last", DataTypes.DoubleType, true);

    /** Best first. */
    private static final List<Row> ORDERED = List.of(
            RowFactory.create("g", "r7", 0.98, 0.2),
            RowFactory.create("f", "r6", 0.98, Double.NaN), // a NaN loss after every number
            RowFactory.create("c", "r3", 0.97, 0.05),
            RowFactory.create("a", "r9", 0.97, 0.1), // an exact tie: trial_id, then run_id
            RowFactory.create("b", "r1", 0.97, 0.1),
            RowFactory.create("b", "r2", 0.97, 0.1),
            RowFactory.create("h", "r8", 0.0, 0.3), // -0.0 ties with 0.0, as Spark compares them
            RowFactory.create("i", "r0", -0.0, 0.3),
            RowFactory.create("d", "r4", Double.NaN, 0.01), // no accuracy: last
            RowFactory.create("e", "r5", null, 0.01));

    private static List<String> ids(List<Row> rows) {
        return rows.stream().map(r -> r.getString(0) + "/" + r.getString(1)).toList();
    }

    @Test
    void sqlColumnsAndComparatorGiveTheSameOrder() {
        List<Row> shuffled = new ArrayList<>(ORDERED);
        Collections.reverse(shuffled);
        Dataset<Row> rows = spark.createDataFrame(shuffled, SCHEMA).repartition(1);
        rows.createOrReplaceTempView("best_order_rows");
        List<String> expected = ids(ORDERED);

        assertThat(ids(spark.sql("SELECT * FROM best_order_rows ORDER BY " + BestOrder.SQL)
                        .collectAsList()))
                .as("SQL")
                .isEqualTo(expected);
        assertThat(ids(rows.orderBy(BestOrder.columns()).collectAsList()))
                .as("columns")
                .isEqualTo(expected);
        List<Row> sorted = new ArrayList<>(rows.collectAsList()); // rows with their schema, in the reversed order
        sorted.sort(BestOrder.ROWS);
        assertThat(ids(sorted)).as("comparator").isEqualTo(expected);
        assertThat(ids(spark.sql("SELECT * FROM (SELECT *, row_number() OVER (ORDER BY " + BestOrder.SQL
                                + ") AS rank FROM best_order_rows) ORDER BY rank")
                        .collectAsList()))
                .as("window")
                .isEqualTo(expected);
    }

    @Test
    void theViewsSqlUsesTheOneOrderAndStatusLiterals() {
        for (String sql : List.of(
                Views.BEST_PER_EXPERIMENT,
                Views.BEST_TRIAL,
                Views.TUNING,
                Views.ACCURACY_BY_HIDDEN_CHANNELS,
                Views.EXPERIMENT_TRIALS)) {
            assertThat(sql).contains(BestOrder.SQL).doesNotContain("${");
        }
        assertThat(Views.TUNING).contains("status IN ('succeeded', 'stopped')");
        assertThat(Views.BEST_TRIAL).contains("status = 'succeeded'");
        assertThatThrownBy(() -> Views.sql("${BEST}")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theStatusValuesAreTheTablesStrings() {
        assertThat(List.of(Status.values()))
                .extracting(Status::value)
                .containsExactly("succeeded", "diverged", "stopped", "failed");
        assertThat(Status.SUCCEEDED.is("succeeded")).isTrue();
        assertThat(Status.isFinished("stopped")).isTrue();
        assertThat(Status.isFinished("diverged")).isFalse();
        assertThat(Status.FAILED.is(null)).isFalse();
    }
}
