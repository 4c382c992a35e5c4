package org.mnistspark.report;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.mnistspark.results.ResultsTable;
import org.mnistspark.results.Views;

/**
 * The notebook's cells' and the report's sections' data: the queries of {@link Views} (their one home, with
 * the one order of "best", {@link org.mnistspark.results.BestOrder}) run with their parameters, over the
 * views {@link Views#register} registers. Each chart of an experiment reads one of them, so the notebook,
 * the report, {@code query} and {@code predict best:} show the same trials.
 */
public final class ResultViews {
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
        return spark.sql(Views.EXPERIMENTS)
                .as(org.apache.spark.sql.Encoders.STRING())
                .collectAsList();
    }

    /** The experiment whose last trial finished last: what a scheduled run's report shows. */
    public Optional<String> latestExperiment() {
        return experiments().stream().findFirst();
    }

    /** The best configuration per experiment, as {@code query} prints it without SQL. */
    public Dataset<Row> bestPerExperiment() {
        return spark.sql(Views.BEST_PER_EXPERIMENT);
    }

    public Dataset<Row> trials(String experiment) {
        return query(Views.EXPERIMENT_TRIALS, experiment);
    }

    public Dataset<Row> accuracyByHiddenChannels(String experiment) {
        return query(Views.ACCURACY_BY_HIDDEN_CHANNELS, experiment);
    }

    public Dataset<Row> learningCurves(String experiment) {
        return query(Views.LEARNING_CURVES, experiment);
    }

    /** The experiment's best succeeded trial, if it has one: the one {@code predict best:<experiment>} uses. */
    public Optional<Row> bestTrial(String experiment) {
        return query(Views.BEST_TRIAL, experiment).collectAsList().stream().findFirst();
    }

    /** The confusion matrix of a trial row's last epoch (none for rows written before the job counted them). */
    public Dataset<Row> confusion(Row trial) {
        return spark.sql(Views.CONFUSION, Map.<String, Object>of("run_id", trial.getAs("run_id")));
    }

    /** Precision, recall and F1 per digit in a trial row's last epoch. */
    public Dataset<Row> classes(Row trial) {
        return spark.sql(Views.RUN_CLASSES, Map.<String, Object>of("run_id", trial.getAs("run_id")));
    }

    /** The tuning jobs in the table, the one whose last rung finished last first. */
    public List<String> tuningJobs() {
        return spark.sql(Views.TUNING_JOBS)
                .as(org.apache.spark.sql.Encoders.STRING())
                .collectAsList();
    }

    /** The tuning job to show beside {@code experiment}: that one if it is a tuning job, else the latest. */
    public Optional<String> tuningJobFor(String experiment) {
        List<String> jobs = tuningJobs();
        return jobs.contains(experiment)
                ? Optional.of(experiment)
                : jobs.stream().findFirst();
    }

    /** The job's best configuration and its compute: the {@code tuning} view's row. */
    public Dataset<Row> tuning(String job) {
        return spark.sql(Views.TUNING_OF_JOB, Map.<String, Object>of("job", job))
                .drop("tuning_job", "model_path");
    }

    public Dataset<Row> tuningRungs(String job) {
        return spark.sql(Views.JOB_RUNGS, Map.<String, Object>of("job", job));
    }

    /** Per rung of the job: configurations, promotions, best and mean test accuracy, epochs trained. */
    public Dataset<Row> tuningRungSummary(String job) {
        return spark.sql(Views.TUNING_RUNGS_OF_JOB, Map.<String, Object>of("job", job))
                .drop("tuning_job");
    }

    /** The compute every experiment spent, grid sweeps and tuning jobs alike. */
    public Dataset<Row> compute() {
        return spark.sql(Views.ALL_COMPUTE);
    }

    private Dataset<Row> query(String sql, String experiment) {
        return spark.sql(sql, Map.<String, Object>of("experiment", experiment));
    }
}
