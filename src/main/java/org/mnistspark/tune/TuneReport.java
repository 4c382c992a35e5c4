package org.mnistspark.tune;

import static org.apache.spark.sql.functions.col;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;
import org.mnistspark.config.Distribution;
import org.mnistspark.config.Hyperparameter;
import org.mnistspark.config.Hyperparameters;
import org.mnistspark.config.TrialSpec;
import org.mnistspark.config.TuneConfig;
import org.mnistspark.results.ResultsTable;
import org.mnistspark.results.Status;
import org.mnistspark.results.TablePrinter;
import org.mnistspark.results.TrialRecord;
import org.mnistspark.sweep.TrialPool;

/** What a tuning job prints: the setup and search, each rung's decision and result, and the job's tables. */
final class TuneReport {
    private final PrintStream out;

    TuneReport(PrintStream out) {
        this.out = out;
    }

    void started(String version, TuneConfig config, String master, TrialPool.Size parallel, String runtime) {
        List<Integer> rungs = config.rungs();
        out.printf(
                "mnist-spark %s: tuning job '%s', %s search (seed %d%s): %d configurations, %s, on %s, %s%n",
                version,
                config.job(),
                config.search().strategy(),
                config.search().seed(),
                rungs.size() > 1 ? ", eta " + config.search().eta() : "",
                config.proposals().size(),
                rungs.size() > 1
                        ? "rungs of " + rungs.stream().map(String::valueOf).collect(Collectors.joining(", "))
                                + " epochs"
                        : "each trained " + rungs.get(0) + " epoch" + (rungs.get(0) == 1 ? "" : "s"),
                master,
                parallel.describe(config.sweep().grid().values(Hyperparameters.WORKERS)));
        out.println(runtime);
        out.print("Settings:\n" + config.describe());
        config.warnings().forEach(warning -> out.println("Warning: " + warning));
        if (config.proposals().size() < config.search().trials()) {
            out.printf(
                    "The space holds only %d distinct configurations (search.trials = %d)%n",
                    config.proposals().size(), config.search().trials());
        }
        out.println("Search space (keys the space does not name keep their grid values; a list is a choice):");
        int width = config.search().space().keySet().stream()
                .mapToInt(String::length)
                .max()
                .orElse(0);
        for (Map.Entry<String, Distribution> e : config.search().space().entrySet()) {
            out.printf("  %-" + width + "s  %s%n", e.getKey(), e.getValue().describe());
        }
    }

    void resumed(List<Asha.Key> committed, int configurations) {
        if (committed.isEmpty()) {
            out.println("New job: the results table has none of its rungs yet.");
            return;
        }
        TreeSet<Integer> started = committed.stream()
                .filter(k -> k.rung() == 0)
                .map(Asha.Key::configuration)
                .collect(Collectors.toCollection(TreeSet::new));
        out.printf(
                "Resuming: the results table has %d of the job's rungs, of %d of its %d configurations; they are "
                        + "not trained again.%n",
                committed.size(), started.size(), configurations);
    }

    /** What begins each line about rung {@code rung} of configuration {@code configuration}: "[c3 r1]". */
    static String label(int configuration, int rung) {
        return "[c" + configuration + " r" + rung + "]";
    }

    void rung(String label, Asha.Train train, int configurations, List<Integer> rungs, String trialId, TrialSpec spec) {
        int k = train.rung();
        String epochs = k == 0
                ? rungs.get(0) + " epoch" + (rungs.get(0) == 1 ? "" : "s")
                : "epochs " + (rungs.get(k - 1) + 1) + "-" + rungs.get(k);
        String why = train.retry()
                ? "; again: it failed in an earlier run"
                : k == 0
                        ? ""
                        : String.format(
                                Locale.ROOT,
                                "; promoted: %s of the %d finished at rung %d, whose top %d go on",
                                ordinal(train.rank()),
                                train.finished(),
                                k - 1,
                                train.quota());
        out.printf(
                "%n%s configuration %d/%d, rung %d: %s%s; trial %s: %s workers=%d%n",
                label,
                train.configuration(),
                configurations,
                k,
                epochs,
                why,
                trialId,
                spec.canonical(),
                spec.workers());
    }

    void waitingForClaim(String label, Asha.Key key) {
        out.printf(
                label + "  waiting: another run holds the claim on rung %d of configuration %d (a killed run's claim "
                        + "lapses when its lease runs out)%n",
                key.rung(),
                key.configuration());
    }

    void committedElsewhere(String label) {
        out.println(label + "  done meanwhile by another run of the job: not trained again");
    }

    void rungDone(String label, TrialRecord record, boolean last) {
        int epochs = record.spec().epochs();
        int trained = record.tuning().epochsTrained();
        String outcome = record.status() != Status.STOPPED
                ? record.status().value()
                : "stopped here unless a promotion goes on from its model";
        out.printf(
                Locale.ROOT,
                "%s  rung %d done after %d epoch%s (%d trained now): test accuracy %d/%d = %.4f; %s%n",
                label,
                record.tuning().rung(),
                epochs,
                epochs == 1 ? "" : "s",
                trained,
                record.outcome().testCorrectLast(),
                record.setup().testImages(),
                record.outcome().testAccuracyLast(),
                last && record.status() == Status.SUCCEEDED ? "succeeded: max-epochs reached" : outcome);
    }

    void failed(String label, String message, boolean recorded) {
        out.println(label + "  FAILED"
                + (recorded
                        ? ", committed as failed (the next run of the job tries it again)"
                        : ", and its failed row could not be written either")
                + ": " + message);
    }

    /** The columns of the hyperparameters the search does not draw: the same in every configuration. */
    private static String[] fixedHyperparameters(TuneConfig config) {
        return Hyperparameters.SHOWN.stream()
                .filter(h -> !config.search().drawnKeys().contains(h.key()))
                .map(Hyperparameter::column)
                .toArray(String[]::new);
    }

    void summary(TuneResult result, ResultsTable table, TuneConfig config, SparkSession spark) throws IOException {
        table.registerViews();
        out.printf(
                "%nTuning job '%s': %d rungs in the table, %d trained now, %d failed now.%n",
                result.job(), result.rungs(), result.trained(), result.failed());
        out.println("Configurations (accuracy_by_epochs: the test accuracy after each rung's epochs):");
        out.print(TablePrinter.format(
                spark.table(org.mnistspark.results.Views.TUNING_CONFIGURATIONS_VIEW)
                        .where(col("tuning_job").equalTo(config.job()))
                        .drop("tuning_job")
                        .drop(fixedHyperparameters(config)),
                10_000));
        out.println("Rungs:");
        out.print(TablePrinter.format(
                spark.table(org.mnistspark.results.Views.TUNING_RUNGS_VIEW)
                        .where(col("tuning_job").equalTo(config.job()))
                        .drop("tuning_job"),
                10_000));
        out.println("Best configuration:");
        out.print(TablePrinter.format(
                spark.table(org.mnistspark.results.Views.TUNING_VIEW)
                        .where(col("tuning_job").equalTo(config.job()))
                        .drop("model_path"),
                10));
        out.println("Compute spent per experiment (epochs_trained counts each epoch once):");
        out.print(TablePrinter.format(spark.table(org.mnistspark.results.Views.COMPUTE_VIEW), 10_000));
        out.printf(
                "Results table: %s%nQuery it: submit/local.sh query --results %s \"SELECT * FROM tuning_configurations\" "
                        + "(views: rungs, tuning, tuning_configurations, tuning_rungs, compute; see docs/tuning.md)%n",
                table.location(), config.sweep().output().results());
    }

    private static String ordinal(int n) {
        return n
                + (n % 100 / 10 == 1
                        ? "th"
                        : switch (n % 10) {
                            case 1 -> "st";
                            case 2 -> "nd";
                            case 3 -> "rd";
                            default -> "th";
                        });
    }
}
