package org.mnistspark.results;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.io.IOException;
import java.util.List;

import static org.apache.spark.sql.functions.col;

/**
 * The queries the job prints, over the views of a {@link ResultsTable}; those about tuning jobs are also
 * registered as views of their own ({@code tuning}, {@code tuning_configurations}, {@code tuning_rungs}).
 */
public final class Queries {
    private Queries() {}

    /** Best configuration per experiment: the query docs/results-table.md shows and {@code query} runs without SQL. */
    public static final String BEST_PER_EXPERIMENT = """
            SELECT experiment, trial_id, hidden_channels, kernel_size, dropout, learning_rate, epochs,
                   test_accuracy_last, test_correct_last, test_images, test_loss_last, train_seconds
            FROM (SELECT *, row_number() OVER (PARTITION BY experiment
                                               ORDER BY test_accuracy_last DESC, test_loss_last) AS rank
                  FROM trials WHERE status = 'succeeded')
            WHERE rank = 1 ORDER BY experiment""";

    /**
     * Per tuning job, its best configuration (the best finished rung by test accuracy, then test loss) and
     * the compute the job spent: the {@code tuning} view. {@code compute} has the grids' for comparison.
     */
    public static final String TUNING = """
            SELECT b.tuning_job, c.configurations, c.epochs_trained, c.train_seconds,
                   b.configuration AS best_configuration, b.rung AS best_rung, b.epochs AS best_epochs,
                   b.test_accuracy_last AS best_test_accuracy, b.test_correct_last, b.test_images,
                   b.hidden_channels, b.kernel_size, b.dropout, b.optimizer, b.learning_rate, b.momentum,
                   b.batch_size, b.trial_id, b.model_path
            FROM (SELECT *, row_number() OVER (PARTITION BY tuning_job
                                               ORDER BY test_accuracy_last DESC, test_loss_last, configuration) AS rank
                  FROM rungs WHERE status IN ('succeeded', 'stopped')) b
            JOIN compute c ON c.experiment = b.experiment
            WHERE b.rank = 1 ORDER BY b.tuning_job""";

    /**
     * Per tuning job and configuration: its hyperparameters, its test accuracy after each rung
     * ({@code epochs:accuracy}), the epochs it reached, the epochs it trained, and the status of its last
     * rung ({@code stopped} there, or {@code succeeded} at max-epochs): the {@code tuning_configurations} view.
     */
    public static final String TUNING_CONFIGURATIONS = """
            SELECT tuning_job, configuration, first(hidden_channels) AS hidden_channels,
                   first(kernel_size) AS kernel_size, first(dropout) AS dropout, first(optimizer) AS optimizer,
                   first(learning_rate) AS learning_rate, first(momentum) AS momentum,
                   first(batch_size) AS batch_size, first(seed) AS seed,
                   concat_ws(' ', transform(array_sort(collect_list(named_struct('rung', rung, 'epochs', epochs,
                                                                                  'accuracy', test_accuracy_last))),
                                            r -> format_string('%d:%.4f', r.epochs, r.accuracy))) AS accuracy_by_epochs,
                   max(epochs) AS epochs_reached, sum(epochs_trained) AS epochs_trained,
                   max_by(status, rung) AS status,
                   max(CASE WHEN status IN ('succeeded', 'stopped') THEN test_accuracy_last END) AS best_test_accuracy
            FROM rungs GROUP BY tuning_job, configuration ORDER BY tuning_job, configuration""";

    /**
     * Per tuning job and rung, the learning curve of the search: configurations trained there, how many
     * were promoted, the best and mean test accuracy, and the epochs the rung trained: the
     * {@code tuning_rungs} view.
     */
    public static final String TUNING_RUNGS = """
            SELECT tuning_job, rung, epochs, count(*) AS configurations,
                   sum(CASE WHEN promoted THEN 1 ELSE 0 END) AS promoted,
                   max(CASE WHEN status IN ('succeeded', 'stopped') THEN test_accuracy_last END) AS best_test_accuracy,
                   avg(CASE WHEN status IN ('succeeded', 'stopped') THEN test_accuracy_last END) AS mean_test_accuracy,
                   sum(epochs_trained) AS epochs_trained
            FROM rungs GROUP BY tuning_job, rung, epochs ORDER BY tuning_job, rung""";

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
