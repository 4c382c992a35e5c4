package org.mnistspark.results;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.io.IOException;
import java.util.List;

import static org.apache.spark.sql.functions.col;

/** The queries the job prints: over the {@code trials} and {@code epochs} views of a {@link ResultsTable}. */
public final class Queries {
    private Queries() {}

    /** Best configuration per experiment: the query README.md shows and {@code query} runs without SQL. */
    public static final String BEST_PER_EXPERIMENT = """
            SELECT experiment, trial_id, hidden_channels, kernel_size, dropout, learning_rate, epochs,
                   test_accuracy_last, test_correct_last, test_images, test_loss_last, train_seconds
            FROM (SELECT *, row_number() OVER (PARTITION BY experiment
                                               ORDER BY test_accuracy_last DESC, test_loss_last) AS rank
                  FROM trials WHERE status = 'succeeded')
            WHERE rank = 1 ORDER BY experiment""";

    /** The given trials of one experiment, best first: what a sweep prints at its end. */
    public static Dataset<Row> sweepSummary(ResultsTable table, String experiment, List<String> trialIds)
            throws IOException {
        return table.trials()
                .where(col("experiment").equalTo(experiment).and(col("trial_id").isin(trialIds.toArray())))
                .orderBy(col("test_accuracy_last").desc())
                .select("trial_id", "hidden_channels", "kernel_size", "dropout", "optimizer", "learning_rate",
                        "epochs", "test_accuracy", "test_correct_last", "test_loss_last", "train_seconds",
                        "images_per_second", "status");
    }
}
