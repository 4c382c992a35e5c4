package org.mnistspark.results;

import static org.apache.spark.sql.functions.col;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.mnistspark.config.Hyperparameter;
import org.mnistspark.config.Hyperparameters;

/**
 * The one home of the results table's views and of every SQL query over them: the views
 * {@link #register} registers for Spark SQL, the named queries the job prints ({@code query}, a sweep's
 * and a tuning job's summaries) and the report's and notebook's queries ({@code report.ResultViews} runs
 * them). "Best" is always {@link BestOrder}; statuses are {@link Status} literals.
 */
public final class Views {
    /**
     * {@code ${HYPERPARAMETERS}} in a query's text, or {@code ${t.HYPERPARAMETERS}} for table {@code t}'s: every
     * hyperparameter's column (declared first: the queries below are built from it when the class loads).
     */
    private static final Pattern HYPERPARAMETERS = Pattern.compile("\\$\\{(?:(\\w+)\\.)?HYPERPARAMETERS\\}");

    private Views() {}

    public static final String TRIALS_VIEW = "trials";
    public static final String EPOCHS_VIEW = "epochs";
    public static final String CONFUSIONS_VIEW = "confusions";
    public static final String CLASSES_VIEW = "classes";
    public static final String RUNGS_VIEW = "rungs";
    public static final String COMPUTE_VIEW = "compute";
    public static final String TUNING_VIEW = "tuning";
    public static final String TUNING_CONFIGURATIONS_VIEW = "tuning_configurations";
    public static final String TUNING_RUNGS_VIEW = "tuning_rungs";

    /**
     * Registers the views for Spark SQL: {@code trials}, {@code epochs}, {@code confusions}, {@code classes};
     * for tuning jobs {@code rungs} and {@code compute}, and the named queries over them: {@code tuning},
     * {@code tuning_configurations}, {@code tuning_rungs}.
     */
    public static void register(ResultsTable table) throws IOException {
        SparkSession spark = table.spark();
        table.trials().createOrReplaceTempView(TRIALS_VIEW);
        table.epochs().createOrReplaceTempView(EPOCHS_VIEW);
        confusions(table).createOrReplaceTempView(CONFUSIONS_VIEW);
        classes(table).createOrReplaceTempView(CLASSES_VIEW);
        rungs(table).createOrReplaceTempView(RUNGS_VIEW);
        compute(table).createOrReplaceTempView(COMPUTE_VIEW);
        spark.sql(TUNING).createOrReplaceTempView(TUNING_VIEW);
        spark.sql(TUNING_CONFIGURATIONS).createOrReplaceTempView(TUNING_CONFIGURATIONS_VIEW);
        spark.sql(TUNING_RUNGS).createOrReplaceTempView(TUNING_RUNGS_VIEW);
    }

    // ---- The views built with Spark's Dataset API ----

    /**
     * The test images of each epoch by true and predicted label, one row per pair: the {@code confusion}
     * column of the committed epochs, exploded (rows of version 1 have none).
     */
    public static Dataset<Row> confusions(ResultsTable table) throws IOException {
        return table.epochs()
                .where(col("confusion").isNotNull())
                .select(
                        col("experiment"),
                        col("trial_id"),
                        col("run_id"),
                        col("epoch"),
                        functions.posexplode(col("confusion")).as(new String[] {"true_label", "row"}))
                .select(
                        col("experiment"),
                        col("trial_id"),
                        col("run_id"),
                        col("epoch"),
                        col("true_label"),
                        functions.posexplode(col("row")).as(new String[] {"predicted_label", "count"}));
    }

    /**
     * Per label and epoch, exactly from the counts: precision (of the images predicted as the label, the
     * share that are it), recall (of the images that are it, the share predicted so) and F1; null where
     * a share has no images.
     */
    public static Dataset<Row> classes(ResultsTable table) throws IOException {
        Dataset<Row> pairs = confusions(table);
        Column[] epoch = {col("experiment"), col("trial_id"), col("run_id"), col("epoch")};
        Dataset<Row> actual = pairs.groupBy(append(epoch, col("true_label").as("label")))
                .agg(
                        functions.sum("count").as("actual"),
                        functions
                                .sum(functions
                                        .when(col("true_label").equalTo(col("predicted_label")), col("count"))
                                        .otherwise(0))
                                .as("correct"));
        Dataset<Row> predicted = pairs.groupBy(
                        append(epoch, col("predicted_label").as("label")))
                .agg(functions.sum("count").as("predicted"));
        Column precision =
                functions.when(col("predicted").notEqual(0), col("correct").divide(col("predicted")));
        Column recall = functions.when(col("actual").notEqual(0), col("correct").divide(col("actual")));
        return actual.join(
                        predicted,
                        scala.collection.JavaConverters.asScalaBuffer(
                                        List.of("experiment", "trial_id", "run_id", "epoch", "label"))
                                .toSeq())
                .select(
                        col("experiment"),
                        col("trial_id"),
                        col("run_id"),
                        col("epoch"),
                        col("label"),
                        precision.as("precision"),
                        recall.as("recall"),
                        precision
                                .multiply(recall)
                                .multiply(2)
                                .divide(precision.plus(recall))
                                .as("f1"),
                        col("correct"),
                        col("actual"),
                        col("predicted"));
    }

    /**
     * Tuning jobs' rows, one per configuration and rung (the latest run of each, as
     * {@link ResultsTable#trials()}), with {@code promoted}: whether the job went on with the configuration
     * in the next rung (that rung has a row, whatever its status).
     */
    public static Dataset<Row> rungs(ResultsTable table) throws IOException {
        Dataset<Row> rows = table.trials().where(col("tuning_job").isNotNull());
        Dataset<Row> next = rows.select(
                        col("tuning_job").as("next_job"),
                        col("configuration").as("next_configuration"),
                        col("rung").minus(1).as("next_from"))
                .distinct();
        return rows.join(
                        next,
                        col("tuning_job")
                                .equalTo(col("next_job"))
                                .and(col("configuration").equalTo(col("next_configuration")))
                                .and(col("rung").equalTo(col("next_from"))),
                        "left")
                .select(columns(
                        List.of("tuning_job", "configuration", "rung", "epochs", "epochs_trained", "status"),
                        List.of(col("next_job").isNotNull().as("promoted")),
                        List.of(
                                "test_accuracy_last",
                                "test_correct_last",
                                "test_images",
                                "test_loss_last",
                                "train_loss_last",
                                "test_accuracy"),
                        Hyperparameters.columns().stream()
                                .filter(c -> !c.equals("epochs"))
                                .toList(),
                        List.of(
                                "train_seconds",
                                "experiment",
                                "trial_id",
                                "run_id",
                                "resumed_from",
                                "model_path",
                                "started_at",
                                "finished_at")));
    }

    /**
     * The compute each experiment spent, grid sweeps and tuning jobs alike, one row each: configurations,
     * runs, epochs trained (a rung counts only the epochs it trained itself: a promoted configuration's
     * earlier epochs count once), training seconds, and the best test accuracy of a finished run.
     */
    public static Dataset<Row> compute(ResultsTable table) throws IOException {
        Column finished = col("status").isin(Status.strings(Status.FINISHED));
        return table.trials()
                .groupBy("experiment")
                .agg(
                        functions
                                .when(functions.max(col("tuning_job").isNotNull()), functions.lit("tuning"))
                                .otherwise(functions.lit("grid"))
                                .as("kind"),
                        functions
                                .countDistinct(
                                        functions.coalesce(col("configuration").cast("string"), col("trial_id")))
                                .as("configurations"),
                        functions.count(functions.lit(1)).as("runs"),
                        functions
                                .sum(functions
                                        .when(col("status").equalTo(Status.FAILED.value()), 0)
                                        .otherwise(functions.coalesce(col("epochs_trained"), col("epochs"))))
                                .as("epochs_trained"),
                        functions.sum("train_seconds").as("train_seconds"),
                        functions
                                .max(functions.when(finished, col("test_accuracy_last")))
                                .as("best_test_accuracy"))
                .orderBy("experiment");
    }

    private static Column[] append(Column[] columns, Column last) {
        Column[] all = Arrays.copyOf(columns, columns.length + 1);
        all[columns.length] = last;
        return all;
    }

    // ---- The named queries the job prints; the tuning ones are views of their own ----

    /**
     * Best configuration per experiment: its best succeeded trial ({@link BestOrder}); the query docs/results-table.md
     * shows and {@code query} runs without SQL. {@code predict best:<experiment>} picks the same trial
     * ({@link #BEST_TRIAL}).
     */
    public static final String BEST_PER_EXPERIMENT = sql("""
            SELECT experiment, trial_id, ${HYPERPARAMETERS},
                   test_accuracy_last, test_correct_last, test_images, test_loss_last, train_seconds
            FROM (SELECT *, row_number() OVER (PARTITION BY experiment ORDER BY ${BEST_ORDER}) AS rank
                  FROM trials WHERE status = ${SUCCEEDED})
            WHERE rank = 1 ORDER BY experiment""");

    /**
     * Per tuning job, its best configuration (the best finished rung, {@link BestOrder}) and the compute the
     * job spent: the {@code tuning} view. {@code compute} has the grids' for comparison.
     */
    public static final String TUNING = sql("""
            SELECT b.tuning_job, c.configurations, c.epochs_trained, c.train_seconds,
                   b.configuration AS best_configuration, b.rung AS best_rung, b.epochs AS best_epochs,
                   b.test_accuracy_last AS best_test_accuracy, b.test_correct_last, b.test_images,
                   ${b.HYPERPARAMETERS}, b.trial_id, b.model_path
            FROM (SELECT *, row_number() OVER (PARTITION BY tuning_job ORDER BY ${BEST_ORDER}) AS rank
                  FROM rungs WHERE status IN (${FINISHED})) b
            JOIN compute c ON c.experiment = b.experiment
            WHERE b.rank = 1 ORDER BY b.tuning_job""");

    /**
     * Per tuning job and configuration: its hyperparameters, its test accuracy after each rung
     * ({@code epochs:accuracy}), the epochs it reached, the epochs it trained, and the status of its last
     * rung ({@code stopped} there, or {@code succeeded} at max-epochs): the {@code tuning_configurations} view.
     */
    public static final String TUNING_CONFIGURATIONS = sql("""
            SELECT tuning_job, configuration, ${FIRST_HYPERPARAMETERS},
                   concat_ws(' ', transform(array_sort(collect_list(named_struct('rung', rung, 'epochs', epochs,
                                                                                  'accuracy', test_accuracy_last))),
                                            r -> format_string('%d:%.4f', r.epochs, r.accuracy))) AS accuracy_by_epochs,
                   max(epochs) AS epochs_reached, sum(epochs_trained) AS epochs_trained,
                   max_by(status, rung) AS status,
                   max(CASE WHEN status IN (${FINISHED}) THEN test_accuracy_last END) AS best_test_accuracy
            FROM rungs GROUP BY tuning_job, configuration ORDER BY tuning_job, configuration""");

    /**
     * Per tuning job and rung, the learning curve of the search: configurations trained there, how many
     * were promoted, the best and mean test accuracy, and the epochs the rung trained: the
     * {@code tuning_rungs} view.
     */
    public static final String TUNING_RUNGS = sql("""
            SELECT tuning_job, rung, epochs, count(*) AS configurations,
                   sum(CASE WHEN promoted THEN 1 ELSE 0 END) AS promoted,
                   max(CASE WHEN status IN (${FINISHED}) THEN test_accuracy_last END) AS best_test_accuracy,
                   avg(CASE WHEN status IN (${FINISHED}) THEN test_accuracy_last END) AS mean_test_accuracy,
                   sum(epochs_trained) AS epochs_trained
            FROM rungs GROUP BY tuning_job, rung, epochs ORDER BY tuning_job, rung""");

    /**
     * The given trials of one experiment, best first ({@link BestOrder}): what a sweep prints at its end,
     * with the hyperparameters that tell them apart ({@link #varying}).
     */
    public static Dataset<Row> sweepSummary(ResultsTable table, String experiment, List<String> trialIds)
            throws IOException {
        Dataset<Row> trials = table.trials()
                .where(col("experiment").equalTo(experiment).and(col("trial_id").isin(trialIds.toArray())))
                .orderBy(BestOrder.columns());
        List<Row> settings = trials.select(
                        Hyperparameters.columns().stream().map(functions::col).toArray(Column[]::new))
                .collectAsList();
        List<String> shown = new java.util.ArrayList<>(List.of("trial_id"));
        varying(settings).forEach(h -> shown.add(h.column()));
        shown.addAll(List.of(
                "test_accuracy",
                "test_correct_last",
                "test_loss_last",
                "train_seconds",
                "images_per_second",
                "status"));
        return trials.select(shown.stream().map(functions::col).toArray(Column[]::new));
    }

    /**
     * The hyperparameters whose values differ between the rows (each row has their columns), in
     * {@link Hyperparameters#SHOWN}'s order; the hidden channels when none do. What tells trials apart in a
     * legend or a summary.
     */
    public static List<Hyperparameter<?>> varying(List<Row> rows) {
        List<Hyperparameter<?>> varying = Hyperparameters.SHOWN.stream()
                .filter(h -> rows.stream()
                                .map(r -> (Object) r.getAs(h.column()))
                                .distinct()
                                .count()
                        > 1)
                .toList();
        return varying.isEmpty() ? List.of(Hyperparameters.HIDDEN_CHANNELS) : varying;
    }

    // ---- The report's and the notebook's queries (report.ResultViews runs them), with parameters ----

    /** Per hidden-channel count, the best succeeded trial of the experiment, with its accuracy over epochs. */
    public static final String ACCURACY_BY_HIDDEN_CHANNELS = sql("""
            SELECT hidden_channels, test_accuracy_min, test_accuracy_max, test_accuracy_avg, test_accuracy_last,
                   trial_id
            FROM (SELECT *, row_number() OVER (PARTITION BY hidden_channels ORDER BY ${BEST_ORDER}) AS rank
                  FROM trials WHERE experiment = :experiment AND status = ${SUCCEEDED})
            WHERE rank = 1 ORDER BY hidden_channels""");

    /** The experiment's trials, succeeded ones first, then best first. */
    public static final String EXPERIMENT_TRIALS = sql("""
            SELECT trial_id, status, ${HYPERPARAMETERS}, test_accuracy_last, test_correct_last, test_images,
                   test_loss_last, train_seconds, images_per_second
            FROM trials WHERE experiment = :experiment
            ORDER BY status = ${SUCCEEDED} DESC, ${BEST_ORDER}""");

    /** Every epoch of the experiment's trial runs, with the trial's hyperparameters (they label the curves). */
    public static final String LEARNING_CURVES = sql("""
            SELECT e.run_id, e.trial_id, e.epoch, e.test_accuracy, e.test_loss, e.train_loss,
                   t.status, t.test_accuracy_last, t.test_loss_last, ${t.HYPERPARAMETERS}
            FROM epochs e JOIN trials t ON e.run_id = t.run_id
            WHERE t.experiment = :experiment
            ORDER BY t.hidden_channels, e.run_id, e.epoch""");

    /**
     * The experiment's best succeeded trial, every column: the trial {@link #BEST_PER_EXPERIMENT} names,
     * the report's best trial and {@code predict best:<experiment>}'s.
     */
    public static final String BEST_TRIAL = sql("""
            SELECT * FROM trials WHERE experiment = :experiment AND status = ${SUCCEEDED}
            ORDER BY ${BEST_ORDER} LIMIT 1""");

    /** The last epoch's confusion matrix of a trial run: test images by true and predicted label. */
    public static final String CONFUSION = """
            SELECT epoch, true_label, predicted_label, count FROM confusions
            WHERE run_id = :run_id AND epoch = (SELECT max(epoch) FROM confusions WHERE run_id = :run_id)
            ORDER BY true_label, predicted_label""";

    /** The last epoch's precision, recall and F1 per digit of a trial run, from its confusion matrix. */
    public static final String RUN_CLASSES = """
            SELECT label, precision, recall, f1, correct, actual, predicted FROM classes
            WHERE run_id = :run_id AND epoch = (SELECT max(epoch) FROM classes WHERE run_id = :run_id)
            ORDER BY label""";

    /** A tuning job's rungs, one row per configuration and rung: the points of its learning curve. */
    public static final String JOB_RUNGS = sql("""
            SELECT configuration, rung, status, promoted, test_accuracy_last, test_loss_last, ${HYPERPARAMETERS},
                   epochs_trained
            FROM rungs WHERE tuning_job = :job ORDER BY configuration, rung""");

    /** The experiments in the table, the one whose last trial finished last first. */
    public static final String EXPERIMENTS =
            "SELECT experiment FROM trials GROUP BY experiment ORDER BY max(finished_at) DESC, experiment";

    /** The tuning jobs in the table, the one whose last rung finished last first. */
    public static final String TUNING_JOBS = "SELECT tuning_job FROM trials WHERE tuning_job IS NOT NULL "
            + "GROUP BY tuning_job ORDER BY max(finished_at) DESC, tuning_job";

    /** A tuning job's row of the {@code tuning} view. */
    public static final String TUNING_OF_JOB = "SELECT * FROM " + TUNING_VIEW + " WHERE tuning_job = :job";

    /** A tuning job's rows of the {@code tuning_rungs} view. */
    public static final String TUNING_RUNGS_OF_JOB = "SELECT * FROM " + TUNING_RUNGS_VIEW + " WHERE tuning_job = :job";

    /** The {@code compute} view. */
    public static final String ALL_COMPUTE = "SELECT * FROM " + COMPUTE_VIEW;

    /**
     * A query's text with its shared parts filled in: {@code ${BEST_ORDER}} ({@link BestOrder#SQL}),
     * {@code ${FINISHED}} (the finished statuses' literals) and {@code ${SUCCEEDED}} and the like (one
     * status's literal).
     */
    /** The named columns and the given ones, in the order of the lists. */
    @SafeVarargs
    private static Column[] columns(List<String> first, List<Column> computed, List<String>... rest) {
        List<Column> all = new java.util.ArrayList<>(
                first.stream().map(org.apache.spark.sql.functions::col).toList());
        all.addAll(computed);
        for (List<String> names : rest) {
            names.forEach(name -> all.add(col(name)));
        }
        return all.toArray(Column[]::new);
    }

    static String sql(String template) {
        String text = template.replace("${BEST_ORDER}", BestOrder.SQL)
                .replace(
                        "${FIRST_HYPERPARAMETERS}",
                        Hyperparameters.columns().stream()
                                .filter(c -> !c.equals(Hyperparameters.EPOCHS.column()))
                                .map(c -> "first(" + c + ") AS " + c)
                                .collect(Collectors.joining(", ")))
                .replace("${FINISHED}", Status.sqlList(Status.FINISHED));
        for (Status status : Status.values()) {
            text = text.replace("${" + status.name() + "}", status.sql());
        }
        Matcher hyperparameters = HYPERPARAMETERS.matcher(text);
        text = hyperparameters.replaceAll(m -> {
            String table = m.group(1) == null ? "" : m.group(1) + ".";
            return Hyperparameters.columns().stream().map(c -> table + c).collect(Collectors.joining(", "));
        });
        if (text.contains("${")) {
            throw new IllegalArgumentException("unknown placeholder in " + template);
        }
        return text;
    }
}
