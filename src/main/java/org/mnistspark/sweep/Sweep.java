package org.mnistspark.sweep;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.mnistspark.config.SweepConfig;
import org.mnistspark.config.TrialSpec;
import org.mnistspark.model.NativeRuntime;
import org.mnistspark.results.Status;
import org.mnistspark.results.TrialClaims;
import org.mnistspark.results.TrialRecord;
import org.mnistspark.results.Views;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a sweep: every trial of the configuration's grid that the results table does not have yet is
 * trained on Spark, its model saved and its rows committed; finished trials are skipped unless a rerun
 * is asked for. Up to {@code sweep.parallel-trials} trials train at once ({@link TrialPool}), the
 * longest first, and the summary lists them in grid order. A trial that fails writes nothing, and the others go on.
 */
public final class Sweep {
    private static final Logger LOG = LoggerFactory.getLogger(Sweep.class);

    private final SparkSession spark;
    private final SweepConfig config;
    private final ConsoleReport report;
    private final PrintStream out;

    public Sweep(SparkSession spark, SweepConfig config, PrintStream out) {
        this.spark = spark;
        this.config = config;
        this.report = new ConsoleReport(out);
        this.out = out;
    }

    public SweepResult run() throws IOException {
        NativeRuntime.configure();
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        List<TrialSpec> grid = config.trials();
        TrialPool.Size parallel = TrialPool.size(
                        sc.sc(),
                        config.parallel(),
                        grid.stream().mapToInt(TrialSpec::workers).max().orElse(1))
                .atMost(grid.size());
        report.started(
                NativeRuntime.applicationVersion(),
                config,
                grid.size(),
                sc.master(),
                parallel,
                NativeRuntime.describe());

        try (TrialSteps steps = TrialSteps.prepare(spark, config, out)) {
            return run(grid, steps, parallel.trials());
        }
    }

    private SweepResult run(List<TrialSpec> grid, TrialSteps steps, int parallelTrials) throws IOException {
        Set<String> committed = steps.table().committedTrialIds(config.experiment());
        List<Future<TrialSummary>> trials = new ArrayList<>();
        long start = System.nanoTime();
        try (TrialPool pool = new TrialPool(spark.sparkContext(), parallelTrials)) {
            for (int index = 0; index < grid.size(); index++) {
                trials.add(null);
            }
            // One at a time: in grid order, as before trials ran side by side.
            for (int index : parallelTrials > 1
                    ? longestFirst(grid)
                    : java.util.stream.IntStream.range(0, grid.size()).boxed().toList()) {
                TrialSpec spec = grid.get(index);
                String trialId = steps.trialId(config.experiment(), spec);
                String label = ConsoleReport.label(index, grid.size());
                if (committed.contains(trialId) && !config.output().rerun()) {
                    report.trial(label, trialId, spec);
                    report.skipped(label);
                    trials.set(
                            index,
                            CompletableFuture.completedFuture(
                                    new TrialSummary(trialId, spec, TrialSummary.Outcome.SKIPPED, null, null)));
                    continue;
                }
                trials.set(index, pool.submit(() -> {
                    report.trial(label, trialId, spec);
                    return claimAndTrain(steps, spec, trialId, label);
                }));
            }
        }
        List<TrialSummary> summaries = trials.stream().map(Sweep::finished).toList();
        double seconds = (System.nanoTime() - start) / 1e9;
        SweepResult result =
                new SweepResult(config.experiment(), steps.table().location(), parallelTrials, seconds, summaries);
        report.summary(
                result,
                Views.sweepSummary(
                        steps.table(),
                        result.experiment(),
                        summaries.stream().map(TrialSummary::trialId).toList()),
                config.output().results());
        return result;
    }

    /**
     * The grid's indices, the trials expected to take longest first: with trials side by side, the last
     * to start is then a short one, and the sweep does not end with one long trial on a few cores
     * (longest-processing-time-first scheduling). With one trial at a time this changes only the order.
     */
    static List<Integer> longestFirst(List<TrialSpec> grid) {
        return java.util.stream.IntStream.range(0, grid.size())
                .boxed()
                .sorted(java.util.Comparator.comparingDouble(
                        (Integer i) -> -grid.get(i).expectedWork()))
                .toList();
    }

    /** A trial's summary once it is done; claimAndTrain turns every failure into one. */
    private static TrialSummary finished(Future<TrialSummary> trial) {
        try {
            return trial.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while trials were training", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a trial ended without its summary", e.getCause());
        }
    }

    /**
     * Trains the trial if this sweep can claim it (no other sweep trains it now) and, unless a rerun is
     * asked for, nobody committed it since the sweep started. A trial that fails, with an exception or
     * an error (out of memory, say), writes nothing and the sweep goes on, the trials beside it too.
     */
    private TrialSummary claimAndTrain(TrialSteps steps, TrialSpec spec, String trialId, String label) {
        String runId = UUID.randomUUID().toString();
        try {
            Optional<TrialClaims.Claim> claimed = steps.table().claims().claim(trialId, owner(runId));
            if (claimed.isEmpty()) {
                report.claimedElsewhere(label);
                return new TrialSummary(trialId, spec, TrialSummary.Outcome.CLAIMED, null, null);
            }
            try (TrialClaims.Claim claim = claimed.get()) {
                if (!config.output().rerun() && steps.table().isCommitted(config.experiment(), trialId)) {
                    report.skipped(label); // another sweep committed it after this one started
                    return new TrialSummary(trialId, spec, TrialSummary.Outcome.SKIPPED, null, null);
                }
                TrialRecord record = steps.trainAndCommit(
                        config.experiment(),
                        spec,
                        trialId,
                        runId,
                        claim,
                        TrialSteps.Start.fresh(),
                        Status.SUCCEEDED,
                        null,
                        label);
                return new TrialSummary(trialId, spec, TrialSummary.Outcome.TRAINED, record, null);
            }
        } catch (Exception | Error e) {
            String message = e.getClass().getSimpleName() + ": " + e.getMessage();
            report.failed(label, message);
            LOG.warn("Trial {} failed", trialId, e); // the whole cause, for whoever must find out why
            return new TrialSummary(trialId, spec, TrialSummary.Outcome.FAILED, null, message);
        }
    }

    /** Who holds a claim, for people: the run, the process and the host. */
    public static String owner(String runId) {
        return "run " + runId + " on " + ProcessHandle.current().pid() + "@" + hostName();
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "unknown host";
        }
    }
}
