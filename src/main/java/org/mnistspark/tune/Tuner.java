package org.mnistspark.tune;

import static org.apache.spark.sql.functions.col;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.stream.Collectors;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.mnistspark.config.Hyperparameters;
import org.mnistspark.config.TrialSpec;
import org.mnistspark.config.TuneConfig;
import org.mnistspark.model.NativeRuntime;
import org.mnistspark.results.ResultsTable;
import org.mnistspark.results.Status;
import org.mnistspark.results.TrialClaims;
import org.mnistspark.results.TrialRecord;
import org.mnistspark.sweep.Sweep;
import org.mnistspark.sweep.TrialPool;
import org.mnistspark.sweep.TrialSteps;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a tuning job: {@link Asha} decides which rung of which configuration to train next, from the rungs
 * the results table holds; each rung is trained with the sweep's trial steps and committed as a row of
 * the trials table, whole or not at all, and the decision is taken again from the table. So a job that
 * was interrupted (its JVM killed) and is run again with the same configuration proposes the same
 * configurations, trains none of the rungs already committed, and goes on where it stopped.
 *
 * <p>Rung 0 of a configuration trains a new network for the first rung's epochs. A promoted configuration
 * goes on from its previous rung's saved model and updater state, training only the epochs between the
 * two rungs, which the new row's {@code epochs_trained} counts. Each rung is claimed like a sweep's trial,
 * so two runs of one job never train the same rung; a run that finds a rung claimed (by another run, or
 * by a killed one whose lease has not run out yet) waits for it. A rung that fails is committed as
 * {@code failed} (no model), is not trained again in this run, and is retried by the next run.
 *
 * <p>Up to {@code sweep.parallel-trials} rungs train at once ({@link TrialPool}). Whenever one is
 * committed, ASHA decides again at once, from the table, with the rungs still in flight counted as taken.
 */
public final class Tuner {
    private static final Logger LOG = LoggerFactory.getLogger(Tuner.class);
    /** How often a run waiting for a claimed rung looks again. */
    static final Duration CLAIM_POLL = Duration.ofSeconds(Long.getLong("mnistspark.tune.claim-poll-seconds", 5));

    private final SparkSession spark;
    private final TuneConfig config;
    private final TuneReport report;
    private final PrintStream out;
    private final List<Integer> rungs;

    public Tuner(SparkSession spark, TuneConfig config, PrintStream out) {
        this.spark = spark;
        this.config = config;
        this.out = out;
        this.report = new TuneReport(out);
        this.rungs = config.rungs();
    }

    /** A committed rung of this job, as the table has it. */
    record RungRow(
            Asha.Key key,
            String status,
            double accuracy,
            double loss,
            String runId,
            String modelPath,
            List<Double> testAccuracy,
            String trialId) {
        Asha.Outcome outcome() {
            return new Asha.Outcome(Status.of(status), accuracy, loss, trialId);
        }
    }

    public TuneResult run() throws IOException {
        NativeRuntime.configure();
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        TrialPool.Size parallel = TrialPool.size(
                        sc.sc(),
                        config.sweep().parallel(),
                        config.proposals().stream()
                                .mapToInt(TrialSpec::workers)
                                .max()
                                .orElse(1))
                .atMost(config.proposals().size());
        report.started(NativeRuntime.applicationVersion(), config, sc.master(), parallel, NativeRuntime.describe());
        try (TrialSteps steps = TrialSteps.prepare(spark, config.sweep(), out)) {
            Map<Asha.Key, String> ids = rungIds(steps);
            checkOwnExperiment(steps.table());
            Map<Asha.Key, RungRow> rows = read(steps.table(), ids);
            report.resumed(
                    rows.values().stream().map(RungRow::key).toList(),
                    config.proposals().size());
            Set<Asha.Key> retry = rows.values().stream()
                    .filter(r -> r.outcome().failed())
                    .map(RungRow::key)
                    .collect(Collectors.toSet());
            Map<Asha.Key, Asha.Outcome> failedNow = new HashMap<>();
            Set<Asha.Key> trainedNow = new HashSet<>();
            Asha asha = new Asha(
                    config.proposals().size(), rungs.size(), config.search().eta());
            Map<Asha.Key, Future<Boolean>> inFlight = new HashMap<>();
            BlockingQueue<Asha.Key> done = new LinkedBlockingQueue<>();
            try (TrialPool pool = new TrialPool(spark.sparkContext(), parallel.trials())) {
                while (true) {
                    // Fill every free place with what ASHA decides from the rungs committed so far.
                    while (inFlight.size() < parallel.trials()
                            && asha.next(outcomes(rows, failedNow), inFlight.keySet(), retryNow(rows, retry, failedNow))
                                    instanceof Asha.Train train) {
                        Asha.Key key = new Asha.Key(train.configuration(), train.rung());
                        RungRow previous = train.rung() == 0
                                ? null
                                : rows.get(new Asha.Key(train.configuration(), train.rung() - 1));
                        inFlight.put(key, pool.submit(() -> {
                            try {
                                return trainRung(steps, train, ids.get(key), previous);
                            } finally {
                                done.add(key);
                            }
                        }));
                    }
                    if (inFlight.isEmpty()) {
                        break;
                    }
                    Asha.Key finished = done.take(); // decide again as soon as any rung is committed
                    if (finishedRung(inFlight.remove(finished))) {
                        trainedNow.add(finished);
                    } else {
                        failedNow.put(finished, new Asha.Outcome(Status.FAILED, Double.NaN, Double.NaN));
                    }
                    rows = read(steps.table(), ids);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while tuning job '" + config.job() + "' was training", e);
            }
            TuneResult result = new TuneResult(config.job(), rows.size(), trainedNow.size(), failedNow.size());
            report.summary(result, steps.table(), config, spark);
            return result;
        }
    }

    /** What ASHA knows: the committed rungs, and the rungs that failed in this run (not tried again in it). */
    private static Map<Asha.Key, Asha.Outcome> outcomes(
            Map<Asha.Key, RungRow> rows, Map<Asha.Key, Asha.Outcome> failedNow) {
        Map<Asha.Key, Asha.Outcome> outcomes = new HashMap<>();
        rows.values().forEach(row -> outcomes.put(row.key(), row.outcome()));
        outcomes.putAll(failedNow);
        return outcomes;
    }

    /** The rungs that failed in an earlier run of the job and still have a failed row: trained again first. */
    private static Set<Asha.Key> retryNow(
            Map<Asha.Key, RungRow> rows, Set<Asha.Key> retry, Map<Asha.Key, Asha.Outcome> failedNow) {
        return rows.values().stream()
                .filter(row -> row.outcome().failed() && retry.contains(row.key()) && !failedNow.containsKey(row.key()))
                .map(RungRow::key)
                .collect(Collectors.toSet());
    }

    /** Whether a rung that has finished is done; trainRung turns every failure into false. */
    private static boolean finishedRung(Future<Boolean> rung) {
        try {
            return rung.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException e) {
            LOG.warn("A rung ended without its result", e.getCause());
            return false;
        }
    }

    /** Every rung's trial id: the proposals' own, with the rung's epochs. */
    private Map<Asha.Key, String> rungIds(TrialSteps steps) {
        Map<Asha.Key, String> ids = new HashMap<>();
        for (int c = 1; c <= config.proposals().size(); c++) {
            for (int k = 0; k < rungs.size(); k++) {
                ids.put(new Asha.Key(c, k), steps.rungId(config.job(), spec(c, k), k));
            }
        }
        return ids;
    }

    private TrialSpec spec(int configuration, int rung) {
        return config.proposals().get(configuration - 1).with(Hyperparameters.EPOCHS, rungs.get(rung));
    }

    /** A tuning job has an experiment of its own: it must not mix with a grid sweep's trials. */
    private void checkOwnExperiment(ResultsTable table) throws IOException {
        if (!table.trials()
                .where(col("experiment")
                        .equalTo(config.job())
                        .and(col("tuning_job").isNull()))
                .isEmpty()) {
            throw new JobConflictException("experiment '" + config.job() + "' in " + table.location()
                    + " holds a grid sweep's trials; name the tuning job differently (--experiment)");
        }
    }

    /**
     * The job's committed rungs (the latest run of each). Each must be a rung this search proposes, with
     * this search's trial id: a table of the job run with another search, seed or data is refused, so that
     * resuming never mixes two searches.
     */
    private Map<Asha.Key, RungRow> read(ResultsTable table, Map<Asha.Key, String> ids) throws IOException {
        Map<Asha.Key, RungRow> rows = new HashMap<>();
        for (Row row : table.trials()
                .where(col("tuning_job").equalTo(config.job()))
                .select(
                        "configuration",
                        "rung",
                        "status",
                        "test_accuracy_last",
                        "test_loss_last",
                        "run_id",
                        "model_path",
                        "test_accuracy",
                        "trial_id")
                .collectAsList()) {
            Asha.Key key = new Asha.Key(row.getInt(0), row.getInt(1));
            String trialId = row.getString(8);
            if (!trialId.equals(ids.get(key))) {
                throw new JobConflictException("tuning job '" + config.job() + "' in " + table.location()
                        + " was run with another search: its configuration " + key.configuration() + ", rung "
                        + key.rung() + " is trial " + trialId + ", which "
                        + (ids.containsKey(key) ? "this search calls " + ids.get(key) : "this search does not propose")
                        + "; run it with the search block, seed, data and workers it started with, or name another "
                        + "job (--experiment)");
            }
            rows.put(
                    key,
                    new RungRow(
                            key,
                            row.getString(2),
                            row.getDouble(3),
                            row.getDouble(4),
                            row.getString(5),
                            row.isNullAt(6) ? null : row.getString(6),
                            row.getList(7),
                            trialId));
        }
        return rows;
    }

    /**
     * Claims, trains and commits one rung; commits a failed row if training fails. Returns whether the
     * rung is done (trained now, or committed by another run meanwhile).
     */
    private boolean trainRung(TrialSteps steps, Asha.Train train, String trialId, RungRow previous) throws IOException {
        int c = train.configuration();
        int k = train.rung();
        TrialSpec spec = spec(c, k);
        String label = TuneReport.label(c, k);
        report.rung(label, train, config.proposals().size(), rungs, trialId, spec);
        String runId = UUID.randomUUID().toString();
        Optional<TrialClaims.Claim> claimed = claimOrWait(steps.table(), trialId, runId, new Asha.Key(c, k), label);
        if (claimed.isEmpty()) {
            report.committedElsewhere(label);
            return true;
        }
        Instant started = Instant.now();
        try (TrialClaims.Claim claim = claimed.get()) {
            try {
                if (committed(steps.table(), trialId)) {
                    report.committedElsewhere(label);
                    return true;
                }
                TrialSteps.Start start = previous == null
                        ? TrialSteps.Start.fresh()
                        : new TrialSteps.Start(load(steps, previous), rungs.get(k - 1), previous.testAccuracy());
                TrialRecord record = steps.trainAndCommit(
                        config.job(),
                        spec,
                        trialId,
                        runId,
                        claim,
                        start,
                        k == rungs.size() - 1 ? Status.SUCCEEDED : Status.STOPPED,
                        tuning(c, k, previous),
                        label);
                report.rungDone(label, record, k == rungs.size() - 1);
                return true;
            } catch (Exception | Error e) {
                String message = e.getClass().getSimpleName() + ": " + e.getMessage();
                LOG.warn(
                        "Rung {} of configuration {} failed",
                        k,
                        c,
                        e); // the whole cause, for whoever must find out why
                boolean recorded =
                        steps.commitFailure(config.job(), spec, trialId, runId, claim, started, tuning(c, k, previous));
                report.failed(label, message, recorded);
                return false;
            }
        }
    }

    private TrialRecord.Tuning tuning(int configuration, int rung, RungRow previous) {
        return new TrialRecord.Tuning(
                config.job(),
                configuration,
                rung,
                rungs.get(rung) - (rung == 0 ? 0 : rungs.get(rung - 1)),
                previous == null ? null : previous.runId());
    }

    private static org.deeplearning4j.nn.multilayer.MultiLayerNetwork load(TrialSteps steps, RungRow previous)
            throws IOException {
        if (previous.modelPath() == null) {
            throw new IOException("rung " + previous.key().rung() + " of configuration "
                    + previous.key().configuration() + " (run " + previous.runId()
                    + ") has no saved model to go on from");
        }
        return steps.models().load(previous.modelPath());
    }

    /**
     * The rung's claim; waits while another run holds it (a killed run's claim lapses after its lease).
     * Empty if the rung was committed meanwhile.
     */
    private Optional<TrialClaims.Claim> claimOrWait(
            ResultsTable table, String trialId, String runId, Asha.Key key, String label) throws IOException {
        boolean told = false;
        while (true) {
            Optional<TrialClaims.Claim> claim = table.claims().claim(trialId, Sweep.owner(runId));
            if (claim.isPresent()) {
                return claim;
            }
            if (committed(table, trialId)) {
                return Optional.empty();
            }
            if (!told) {
                report.waitingForClaim(label, key);
                told = true;
            }
            try {
                Thread.sleep(CLAIM_POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the claim on trial " + trialId, e);
            }
        }
    }

    /** Whether the rung's trial is committed: ResultsTable's one definition (its latest run did not fail). */
    private boolean committed(ResultsTable table, String trialId) throws IOException {
        return table.isCommitted(config.job(), trialId);
    }
}
