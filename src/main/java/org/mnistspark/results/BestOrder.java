package org.mnistspark.results;

import static org.apache.spark.sql.functions.col;

import java.util.Comparator;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * The one order of "best" among trial runs, wherever one is picked or ranked: {@code predict best:}, the
 * report and the notebook, {@code query}, the {@code tuning} view and ASHA's promotions. Higher test
 * accuracy of the last epoch first; on a tie, lower test loss of the last epoch; on a tie, {@code trial_id},
 * then {@code run_id} (the unique key), both ascending. A NaN or null accuracy or loss ranks last. So an
 * exact tie always resolves the same way, in SQL and in Java.
 *
 * <p>Which runs compete is the caller's filter (succeeded trials for the best trial, finished rungs for a
 * tuning job); a listing of every run puts succeeded ones first, then this order.
 */
public final class BestOrder {
    private BestOrder() {}

    /**
     * The order as an SQL {@code ORDER BY} list over the {@code trials} columns (a window's or a query's).
     * Spark ranks NaN above every number, so {@code nanvl} turns it into null, which ranks last.
     */
    public static final String SQL = "nanvl(test_accuracy_last, NULL) DESC NULLS LAST, "
            + "nanvl(test_loss_last, NULL) ASC NULLS LAST, trial_id ASC NULLS FIRST, run_id ASC NULLS FIRST";

    /** {@link #SQL} as Spark columns, for {@code Dataset.orderBy}. */
    public static Column[] columns() {
        Column noDouble = functions.lit(null).cast("double");
        return new Column[] {
            functions.nanvl(col("test_accuracy_last"), noDouble).desc_nulls_last(),
            functions.nanvl(col("test_loss_last"), noDouble).asc_nulls_last(),
            col("trial_id").asc_nulls_first(),
            col("run_id").asc_nulls_first()
        };
    }

    /** {@link #SQL} over rows that have the four columns. */
    public static final Comparator<Row> ROWS = of(
            row -> orNaN(row.getAs("test_accuracy_last")),
            row -> orNaN(row.getAs("test_loss_last")),
            row -> row.getAs("trial_id"),
            row -> row.getAs("run_id"));

    /**
     * {@link #SQL} over anything that has the four values (null ids rank first, as in SQL). Doubles
     * compare as Spark does: NaN (and null, given as NaN) last, -0.0 equal to 0.0.
     */
    public static <T> Comparator<T> of(
            ToDoubleFunction<T> accuracy,
            ToDoubleFunction<T> loss,
            Function<T, String> trialId,
            Function<T, String> runId) {
        Comparator<String> ids = Comparator.nullsFirst(Comparator.naturalOrder());
        return Comparator.<T>comparingInt(t -> Double.isNaN(accuracy.applyAsDouble(t)) ? 1 : 0)
                .thenComparing((a, b) -> compare(accuracy.applyAsDouble(b), accuracy.applyAsDouble(a)))
                .thenComparingInt(t -> Double.isNaN(loss.applyAsDouble(t)) ? 1 : 0)
                .thenComparing((a, b) -> compare(loss.applyAsDouble(a), loss.applyAsDouble(b)))
                .thenComparing(trialId, ids)
                .thenComparing(runId, ids);
    }

    /** Spark's order of two doubles that are not NaN: -0.0 equals 0.0. */
    private static int compare(double a, double b) {
        if (Double.isNaN(a) || Double.isNaN(b) || a == b) {
            return 0; // NaN was ranked by the comparator before
        }
        return Double.compare(a, b);
    }

    private static double orNaN(Object value) {
        return value == null ? Double.NaN : ((Number) value).doubleValue();
    }
}
