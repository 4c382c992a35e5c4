package org.mnistspark.results;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * A trial run's {@code status}, as the trials table stores it (a string column: {@link #value()}). Java
 * compares with {@link #is}; the SQL of {@link Views} writes its literals with {@link #sql()}.
 */
public enum Status {
    /** A trial whose losses stayed finite (a tuning job's rung: trained to max-epochs). */
    SUCCEEDED("succeeded"),
    /** A trial that finished but whose loss became NaN or infinite. */
    DIVERGED("diverged"),
    /** A tuning job's rung below max-epochs: this run stopped at its rung's epochs. */
    STOPPED("stopped"),
    /** A tuning job's rung whose training or saving failed: no model, no epoch rows; retried by a later run. */
    FAILED("failed");

    private final String value;

    Status(String value) {
        this.value = value;
    }

    /** The value in the table's {@code status} column. */
    public String value() {
        return value;
    }

    /** The SQL literal of the value: {@code 'succeeded'}. */
    public String sql() {
        return "'" + value + "'";
    }

    /** Whether a {@code status} column's value is this one (false for null). */
    public boolean is(String status) {
        return value.equals(status);
    }

    /** A finished run with results to rank: succeeded, or a tuning job's rung stopped at its epochs. */
    public static boolean isFinished(String status) {
        return SUCCEEDED.is(status) || STOPPED.is(status);
    }

    /** The values of {@link #isFinished}: for {@code isin} and SQL's {@code IN}. */
    public static final Status[] FINISHED = {SUCCEEDED, STOPPED};

    /** The SQL list of the statuses' literals: {@code 'succeeded', 'stopped'}. */
    public static String sqlList(Status... statuses) {
        return Arrays.stream(statuses).map(Status::sql).collect(Collectors.joining(", "));
    }

    /** The statuses' values, for Spark's {@code Column.isin}. */
    public static Object[] strings(Status... statuses) {
        return Arrays.stream(statuses).map(Status::value).toArray();
    }

    @Override
    public String toString() {
        return value;
    }

    /** The status of a {@code status} column's value. */
    public static Status of(String value) {
        return Arrays.stream(values())
                .filter(s -> s.is(value))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown trial status '" + value + "'"));
    }
}
