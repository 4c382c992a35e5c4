package org.mnistspark.results;

import java.util.Arrays;
import java.util.Locale;

/** A trial run's {@code status} column; the lower-case name is the value in the table and in SQL. */
public enum Status {
    /** Every loss stayed finite (a tuning job's rung: trained to max-epochs). */
    SUCCEEDED,
    /** It finished, but a loss became NaN or infinite. */
    DIVERGED,
    /**
     * A tuning job's rung below max-epochs: this run stopped at its rung's epochs. If the job promotes the
     * configuration, the next rung's row goes on from this row's model ({@link TrialRecord.Tuning#resumedFrom()}).
     */
    STOPPED,
    /** A tuning job's rung whose training or saving failed: no model, no epoch rows; a later run of the job retries it. */
    FAILED;

    /** The value in the table and in SQL. */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The value as an SQL string literal: {@code 'succeeded'}. */
    public String sql() {
        return "'" + value() + "'";
    }

    @Override
    public String toString() {
        return value();
    }

    /** The status of a value read from the table. */
    public static Status of(String value) {
        return Arrays.stream(values()).filter(s -> s.value().equals(value)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown trial status '" + value + "'"));
    }
}
