package org.mnistspark.report;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.mnistspark.results.Queries;
import org.mnistspark.results.ResultsTable;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The queries behind the notebook's cells and the report's sections, over the {@code trials},
 * {@code epochs}, {@code confusions} and {@code classes} views and the tuning jobs' views that
 * {@link ResultsTable#registerViews()} registers. Each chart of an experiment
 * reads one of them, so the notebook and the report show the same numbers.
 */
public final class ResultViews {
    /** Per hidden-channel count, the best succeeded trial of the experiment, with its accuracy over epochs. */
    public static final String ACCURACY_BY_HIDDEN_CHANNELS = """
            SELECT hidden_channels, test_accuracy_min, test_accuracy_max, test_accuracy_avg, test_accuracy_last,
                   trial_id
            FROM (SELECT *, row_number() OVER (PARTITION BY hidden_channels
                                               ORDER BY test_accuracy_last DESC, test_loss_last) AS rank
                  FROM trials WHERE experiment = :experiment AND status = 'succeeded')
            WHERE rank = 1 ORDER BY hidden_channels""";

    /** The experiment's trials, succeeded ones first, best first. */
    public static final String TRIALS = """
            SELECT trial_id, status, hidden_channels, kernel_size, dropout, optimizer, learning_rate, momentum,
                   batch_size, epochs, engine, test_accuracy_last, test_correct_last, test_images, test_loss_last,
                   train_seconds, images_per_second
            FROM trials WHERE experiment = :experiment
            ORDER BY status = 'succeeded' DESC, test_accuracy_last DESC, test_loss_last, trial_id""";

    /** Every epoch of the experiment's trial runs, with the trial's hyperparameters (they label the curves). */
    public static final String LEARNING_CURVES = """
            SELECT e.run_id, e.trial_id, e.epoch, e.test_accuracy, e.test_loss, e.train_loss,
                   t.status, t.test_accuracy_last, t.test_loss_last, t.hidden_channels, t.kernel_size, t.dropout,
                   t.optimizer, t.learning_rate, t.momentum, t.batch_size, t.epochs, t.seed, t.train_fraction,
                   t.averaging_frequency, t.engine
            FROM epochs e JOIN trials t ON e.run_id = t.run_id
            WHERE t.experiment = :experiment
            ORDER BY t.hidden_channels, e.run_id, e.epoch""";

    /** The experiment's best succeeded trial, every column: the same order as {@link Queries#BEST_PER_EXPERIMENT}. */
    public static final String BEST_TRIAL = """
            SELECT * FROM trials WHERE experiment = :experiment AND status = 'succeeded'
            ORDER BY test_accuracy_last DESC, test_loss_last, trial_id LIMIT 1""";

    /** The last epoch's confusion matrix of a trial run: test images by true and predicted label. */
    public static final String CONFUSION = """
            SELECT epoch, true_label, predicted_label, count FROM confusions
            WHERE run_id = :run_id AND epoch = (SELECT max(epoch) FROM confusions WHERE run_id = :run_id)
            ORDER BY true_label, predicted_label""";

    /** The last epoch's precision, recall and F1 per digit of a trial run, from its confusion matrix. */
    public static final String CLASSES = """
            SELECT label, precision, recall, f1, correct, actual, predicted FROM classes
            WHERE run_id = :run_id AND epoch = (SELECT max(epoch) FROM classes WHERE run_id = :run_id)
            ORDER BY label""";

    /** A tuning job's rungs, one row per configuration and rung: the points of its learning curve. */
    public static final String TUNING_RUNGS = """
            SELECT configuration, rung, epochs, status, promoted, test_accuracy_last, test_loss_last,
                   hidden_channels, kernel_size, dropout, optimizer, learning_rate, momentum, batch_size, seed,
                   train_fraction, averaging_frequency, engine, epochs_trained
            FROM rungs WHERE tuning_job = :job ORDER BY configuration, rung""";

    private final SparkSession spark;

    /** Over the views already registered in {@code spark}. */
    public ResultViews(SparkSession spark) {
        this.spark = spark;
    }

    /** Registers the views of the table at {@code location} (any Hadoop path) and reads them. */
    public static ResultViews of(SparkSession spark, String location) throws java.io.IOException {
        new ResultsTable(spark, location).registerViews();
        return new ResultViews(spark);
    }

    /** The experiments in the table, the one whose last trial finished last first. */
    public List<String> experiments() {
        return spark.sql("SELECT experiment FROM trials GROUP BY experiment ORDER BY max(finished_at) DESC, experiment")
                .as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    }

    /** The experiment whose last trial finished last: what a scheduled run's report shows. */
    public Optional<String> latestExperiment() {
        return experiments().stream().findFirst();
    }

    /** The best configuration per experiment, as {@code query} prints it without SQL. */
    public Dataset<Row> bestPerExperiment() {
        return spark.sql(Queries.BEST_PER_EXPERIMENT);
    }

    public Dataset<Row> trials(String experiment) {
        return query(TRIALS, experiment);
    }

    public Dataset<Row> accuracyByHiddenChannels(String experiment) {
        return query(ACCURACY_BY_HIDDEN_CHANNELS, experiment);
    }

    public Dataset<Row> learningCurves(String experiment) {
        return query(LEARNING_CURVES, experiment);
    }

    /** The experiment's best succeeded trial, if it has one. */
    public Optional<Row> bestTrial(String experiment) {
        return query(BEST_TRIAL, experiment).collectAsList().stream().findFirst();
    }

    /** The confusion matrix of a trial row's last epoch (none for rows written before the job counted them). */
    public Dataset<Row> confusion(Row trial) {
        return spark.sql(CONFUSION, Map.<String, Object>of("run_id", trial.getAs("run_id")));
    }

    /** Precision, recall and F1 per digit in a trial row's last epoch. */
    public Dataset<Row> classes(Row trial) {
        return spark.sql(CLASSES, Map.<String, Object>of("run_id", trial.getAs("run_id")));
    }

    /** The tuning jobs in the table, the one whose last rung finished last first. */
    public List<String> tuningJobs() {
        return spark.sql("SELECT tuning_job FROM trials WHERE tuning_job IS NOT NULL GROUP BY tuning_job "
                + "ORDER BY max(finished_at) DESC, tuning_job").as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    }

    /** The tuning job to show beside {@code experiment}: that one if it is a tuning job, else the latest. */
    public Optional<String> tuningJobFor(String experiment) {
        List<String> jobs = tuningJobs();
        return jobs.contains(experiment) ? Optional.of(experiment) : jobs.stream().findFirst();
    }

    /** The job's best configuration and its compute: the {@code tuning} view's row. */
    public Dataset<Row> tuning(String job) {
        return spark.sql("SELECT * FROM " + ResultsTable.TUNING_VIEW + " WHERE tuning_job = :job",
                Map.<String, Object>of("job", job)).drop("tuning_job", "model_path");
    }

    public Dataset<Row> tuningRungs(String job) {
        return spark.sql(TUNING_RUNGS, Map.<String, Object>of("job", job));
    }

    /** Per rung of the job: configurations, promotions, best and mean test accuracy, epochs trained. */
    public Dataset<Row> tuningRungSummary(String job) {
        return spark.sql("SELECT * FROM " + ResultsTable.TUNING_RUNGS_VIEW + " WHERE tuning_job = :job",
                Map.<String, Object>of("job", job)).drop("tuning_job");
    }

    /** The compute every experiment spent, grid sweeps and tuning jobs alike. */
    public Dataset<Row> compute() {
        return spark.sql("SELECT * FROM " + ResultsTable.COMPUTE_VIEW);
    }

    private Dataset<Row> query(String sql, String experiment) {
        return spark.sql(sql, Map.<String, Object>of("experiment", experiment));
    }
}
