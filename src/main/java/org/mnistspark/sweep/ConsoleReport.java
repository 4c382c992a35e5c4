package org.mnistspark.sweep;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.mnistspark.config.Hyperparameters;
import org.mnistspark.config.SweepConfig;
import org.mnistspark.config.TrainingEngine;
import org.mnistspark.config.TrialSpec;
import org.mnistspark.results.TablePrinter;
import org.mnistspark.training.TrainingProgress;

/** What a sweep prints while it runs: the setup, each trial's progress and results, and the summary. */
final class ConsoleReport {
    private final PrintStream out;

    ConsoleReport(PrintStream out) {
        this.out = out;
    }

    void started(
            String version, SweepConfig config, int trials, String master, TrialPool.Size parallel, String runtime) {
        out.printf(
                "mnist-spark %s: experiment '%s', %d trial%s on %s, %s%n",
                version,
                config.experiment(),
                trials,
                trials == 1 ? "" : "s",
                master,
                parallel.describe(config.grid().values(Hyperparameters.WORKERS)));
        out.println(runtime);
        out.print("Settings:\n" + config.describe());
        config.warnings().forEach(warning -> out.println("Warning: " + warning));
    }

    void data(String location, long trainImages, long testImages) {
        out.printf("Data: %s: %d training and %d test images%n", location, trainImages, testImages);
    }

    /** What begins each line about trial {@code index} (from 0) of {@code count}: "[3/5]". */
    static String label(int index, int count) {
        return "[" + (index + 1) + "/" + count + "]";
    }

    void trial(String label, String trialId, TrialSpec spec) {
        out.printf("%n%s trial %s: %s workers=%d%n", label, trialId, spec.canonical(), spec.workers());
    }

    void skipped(String label) {
        out.println(label + "  skipped: already in the results table (--rerun trains it again)");
    }

    void claimedElsewhere(String label) {
        out.println(label + "  skipped: another sweep is training it now (it holds the trial's claim)");
    }

    void failed(String label, String message) {
        out.println(label + "  FAILED, nothing written to the results table: " + message);
    }

    /** Progress lines of one trial of {@code epochs} epochs. */
    TrainingProgress progress(String label, int epochs) {
        return TrainingProgress.printing(out, label, epochs);
    }

    void networksBuilt(String label, TrainingEngine engine, int built) {
        out.printf("%s  %s engine: %d worker network%s built%n", label, engine, built, built == 1 ? "" : "s");
    }

    /** One line per executor that trained: what its native code ran with (on YARN, spark.executorEnv's). */
    void executors(String label, Map<String, String> environments) {
        environments.forEach(
                (location, environment) -> out.printf("%s  %s ran with %s%n", label, location, environment));
    }

    void summary(SweepResult result, Dataset<Row> rows, String resultsSetting) {
        out.printf(
                "%nTrials of experiment '%s' (%d trained now, %d already there, %d trained by another sweep, "
                        + "%d failed), best first:%n",
                result.experiment(),
                result.count(TrialSummary.Outcome.TRAINED),
                result.count(TrialSummary.Outcome.SKIPPED),
                result.count(TrialSummary.Outcome.CLAIMED),
                result.count(TrialSummary.Outcome.FAILED));
        out.printf(
                Locale.ROOT,
                "Trials done in %.1f s, up to %d at once%n",
                result.trainingSeconds(),
                result.parallelTrials());
        out.print(TablePrinter.format(rows, result.trials().size()));
        out.printf(
                "Results table: %s%nQuery it with Spark SQL: submit/local.sh query --results %s \"SELECT ...\" "
                        + "(views: trials, epochs; see docs/results-table.md)%n",
                result.resultsLocation(), resultsSetting);
    }
}
