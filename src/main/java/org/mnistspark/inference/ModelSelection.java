package org.mnistspark.inference;

import static org.apache.spark.sql.functions.col;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.mnistspark.results.ResultsTable;
import org.mnistspark.results.Status;
import org.mnistspark.results.Views;

/**
 * A model selector, {@code --model} of {@code predict} and {@code serve}: a {@code run_id} (one training
 * run), a {@code trial_id} (its latest succeeded run) or {@code best:<experiment>} (its best succeeded
 * trial, {@link Views#BEST_TRIAL}: the trial the best-per-experiment query and the report name, in the one
 * order of "best", {@link org.mnistspark.results.BestOrder}). Parsed before Spark starts; resolved against
 * the results table.
 */
public final class ModelSelection {
    static final String BEST = "best:";

    private final String selector;
    private final String bestOf; // the experiment of best:<experiment>, else null

    private ModelSelection(String selector, String bestOf) {
        this.selector = selector;
        this.bestOf = bestOf;
    }

    /** Checks the selector's form (no Spark needed). */
    public static ModelSelection parse(String selector) {
        String text = selector == null ? "" : selector.strip();
        if (text.isEmpty()) {
            throw new InvalidInputException("--model is empty: give a run_id, a trial_id or best:<experiment>");
        }
        if (text.startsWith(BEST)) {
            String experiment = text.substring(BEST.length()).strip();
            if (experiment.isEmpty()) {
                throw new InvalidInputException("--model " + text + " names no experiment: write best:<experiment>, "
                        + "for example best:mnist-cnn");
            }
            return new ModelSelection(text, experiment);
        }
        if (!text.matches("[A-Za-z0-9._-]+")) {
            throw new InvalidInputException("--model '" + text + "' is not a run_id, a trial_id or best:<experiment> "
                    + "(ids hold letters, digits, '.', '_' and '-')");
        }
        return new ModelSelection(text, null);
    }

    @Override
    public String toString() {
        return selector;
    }

    /** The trial run this selector names in {@code table}; an {@link InvalidInputException} if none fits. */
    public SelectedModel resolve(ResultsTable table) throws IOException {
        Dataset<Row> trials = table.trials();
        Row row = bestOf != null ? best(table, trials) : byId(table, trials);
        String status = row.getAs("status");
        SelectedModel model = new SelectedModel(
                row.getAs("experiment"),
                row.getAs("trial_id"),
                row.getAs("run_id"),
                row.getAs("model_path"),
                row.<Double>getAs("normalization_mean"),
                row.<Double>getAs("normalization_std"),
                row.<Long>getAs("test_correct_last"),
                row.<Long>getAs("test_images"));
        if (!Status.SUCCEEDED.is(status)) {
            throw new InvalidInputException(model.describe() + " has status '" + status + "': its loss became NaN or "
                    + "infinite, so its model predicts nothing useful; choose a succeeded run");
        }
        if (model.modelPath() == null) {
            throw new InvalidInputException(model.describe() + " kept no model (it was trained with output.models "
                    + "empty); train it again with a models location");
        }
        return model;
    }

    private Row byId(ResultsTable table, Dataset<Row> trials) {
        List<Row> runs = trials.where(col("run_id").equalTo(selector)).collectAsList();
        if (!runs.isEmpty()) {
            return runs.get(0);
        }
        List<Row> ofTrial = trials.where(col("trial_id").equalTo(selector))
                .orderBy(
                        col("status").equalTo(Status.SUCCEEDED.value()).desc(),
                        col("finished_at").desc())
                .limit(1)
                .collectAsList();
        if (ofTrial.isEmpty()) {
            throw new InvalidInputException("no run_id or trial_id '" + selector + "' in the results table "
                    + table.location() + " (" + trials.count() + " trial runs); list them with: "
                    + "query \"SELECT experiment, trial_id, run_id, status FROM trials\"");
        }
        return ofTrial.get(0); // its latest succeeded run, else a diverged one (reported as such)
    }

    private Row best(ResultsTable table, Dataset<Row> trials) throws IOException {
        Dataset<Row> experiment = trials.where(col("experiment").equalTo(bestOf));
        SparkSession spark = trials.sparkSession();
        table.registerViews(); // the views the best-trial query reads
        List<Row> best = spark.sql(Views.BEST_TRIAL, Map.<String, Object>of("experiment", bestOf))
                .collectAsList();
        if (best.isEmpty()) {
            long runs = experiment.count();
            if (runs == 0) {
                List<String> names = trials.select("experiment")
                        .distinct()
                        .orderBy("experiment")
                        .as(org.apache.spark.sql.Encoders.STRING())
                        .collectAsList();
                throw new InvalidInputException(
                        "no experiment '" + bestOf + "' in the results table " + table.location()
                                + (names.isEmpty() ? " (it has no trials)" : "; it has: " + String.join(", ", names)));
            }
            throw new InvalidInputException("experiment '" + bestOf + "' has no succeeded trial (" + runs
                    + " runs, all diverged): there is no best model");
        }
        return best.get(0); // the views show one run per trial: the latest
    }
}
