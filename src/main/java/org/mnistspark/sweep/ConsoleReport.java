package org.mnistspark.sweep;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.mnistspark.config.SweepConfig;
import org.mnistspark.config.TrialSpec;
import org.mnistspark.results.TablePrinter;
import org.mnistspark.training.TrainingProgress;

import java.io.PrintStream;

/** What a sweep prints while it runs: the setup, each trial's progress and results, and the summary. */
final class ConsoleReport {
    private final PrintStream out;

    ConsoleReport(PrintStream out) {
        this.out = out;
    }

    void started(String version, SweepConfig config, int trials, String master, int workers, String howCounted,
                 String runtime) {
        out.printf("mnist-spark %s: experiment '%s', %d trial%s on %s with %d workers (%s)%n", version,
                config.experiment(), trials, trials == 1 ? "" : "s", master, workers, howCounted);
        out.println(runtime);
        out.print("Settings:\n" + config.describe());
        config.warnings().forEach(warning -> out.println("Warning: " + warning));
    }

    void data(String location, long trainImages, long testImages) {
        out.printf("Data: %s: %d training and %d test images%n", location, trainImages, testImages);
    }

    void trial(int index, int count, String trialId, TrialSpec spec) {
        out.printf("%n[%d/%d] trial %s: %s%n", index + 1, count, trialId, spec.canonical());
    }

    void skipped() {
        out.println("  skipped: already in the results table (--rerun trains it again)");
    }

    void claimedElsewhere() {
        out.println("  skipped: another sweep is training it now (it holds the trial's claim)");
    }

    void failed(String message) {
        out.println("  FAILED, nothing written to the results table: " + message);
    }

    /** Progress lines of one trial of {@code epochs} epochs. */
    TrainingProgress progress(int epochs) {
        return TrainingProgress.printing(out, epochs);
    }

    void networksBuilt(String engine, int built) {
        out.printf("  %s engine: %d worker network%s built%n", engine, built, built == 1 ? "" : "s");
    }

    void summary(SweepResult result, Dataset<Row> rows, String resultsSetting) {
        out.printf("%nTrials of experiment '%s' (%d trained now, %d already there, %d trained by another sweep, "
                        + "%d failed), best first:%n", result.experiment(), result.count(TrialSummary.Outcome.TRAINED),
                result.count(TrialSummary.Outcome.SKIPPED), result.count(TrialSummary.Outcome.CLAIMED),
                result.count(TrialSummary.Outcome.FAILED));
        out.print(TablePrinter.format(rows, result.trials().size()));
        out.printf("Results table: %s%nQuery it with Spark SQL: submit/results.sh --results %s \"SELECT ...\" "
                + "(views: trials, epochs; see README.md)%n", result.resultsLocation(), resultsSetting);
    }
}
