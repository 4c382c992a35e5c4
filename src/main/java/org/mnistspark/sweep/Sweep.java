package org.mnistspark.sweep;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.mnistspark.config.SweepConfig;
import org.mnistspark.config.TrialSpec;
import org.mnistspark.data.MnistDataset;
import org.mnistspark.data.MnistImages;
import org.mnistspark.model.CnnSpec;
import org.mnistspark.model.NativeRuntime;
import org.mnistspark.results.EpochRecord;
import org.mnistspark.results.ModelStore;
import org.mnistspark.results.Queries;
import org.mnistspark.results.ResultsTable;
import org.mnistspark.results.TrialClaims;
import org.mnistspark.results.TrialRecord;
import org.mnistspark.training.EpochResult;
import org.mnistspark.training.ExecutorCores;
import org.mnistspark.training.SharedImages;
import org.mnistspark.training.TrainingRun;
import org.mnistspark.training.TrialTrainer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Runs a sweep: every trial of the configuration's grid that the results table does not have yet is
 * trained on Spark, its model saved and its rows committed; finished trials are skipped unless a rerun
 * is asked for. A trial that fails writes nothing, and the others go on.
 */
public final class Sweep {
    private static final Logger LOG = LoggerFactory.getLogger(Sweep.class);

    private final SparkSession spark;
    private final SweepConfig config;
    private final ConsoleReport report;

    public Sweep(SparkSession spark, SweepConfig config, PrintStream out) {
        this.spark = spark;
        this.config = config;
        this.report = new ConsoleReport(out);
    }

    /** What every trial of one sweep shares. */
    private record Shared(MnistDataset dataset, SharedImages images, String dataKey, ResultsTable table,
                          ModelStore models, TrialTrainer trainer, int workers) {}

    public SweepResult run() throws IOException {
        NativeRuntime.configure();
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        List<TrialSpec> grid = config.trials();
        ExecutorCores.Count workers = config.data().workers() > 0
                ? new ExecutorCores.Count(config.data().workers(), "data.workers")
                : ExecutorCores.await(sc.sc());
        report.started(NativeRuntime.applicationVersion(), config, grid.size(), sc.master(), workers.cores(),
                workers.how(), NativeRuntime.describe());

        Shared shared = prepare(sc, workers.cores());
        try {
            return run(grid, shared);
        } finally {
            shared.images().close();
        }
    }

    private SweepResult run(List<TrialSpec> grid, Shared shared) throws IOException {
        Set<String> committed = shared.table().committedTrialIds(config.experiment());
        List<TrialSummary> summaries = new ArrayList<>();
        for (int index = 0; index < grid.size(); index++) {
            TrialSpec spec = grid.get(index);
            int perWorker = minibatchPerWorker(spec, shared.workers());
            String trialId = TrialIdentity.trialId(config.experiment(), spec,
                    TrialIdentity.setup(shared.dataKey(), shared.workers(), perWorker));
            report.trial(index, grid.size(), trialId, spec);
            if (committed.contains(trialId) && !config.output().rerun()) {
                report.skipped();
                summaries.add(new TrialSummary(trialId, spec, TrialSummary.Outcome.SKIPPED, null, null));
                continue;
            }
            summaries.add(claimAndTrain(shared, spec, trialId, perWorker));
        }
        SweepResult result = new SweepResult(config.experiment(), shared.table().location(), shared.workers(),
                List.copyOf(summaries));
        report.summary(result, Queries.sweepSummary(shared.table(), result.experiment(),
                summaries.stream().map(TrialSummary::trialId).toList()), config.output().results());
        return result;
    }

    /**
     * Trains the trial if this sweep can claim it (no other sweep trains it now) and, unless a rerun is
     * asked for, nobody committed it since the sweep started. A trial that fails, with an exception or
     * an error (out of memory, say), writes nothing and the sweep goes on.
     */
    private TrialSummary claimAndTrain(Shared shared, TrialSpec spec, String trialId, int perWorker) {
        String runId = UUID.randomUUID().toString();
        try {
            Optional<TrialClaims.Claim> claimed = shared.table().claims().claim(trialId,
                    "run " + runId + " on " + ProcessHandle.current().pid() + "@" + hostName());
            if (claimed.isEmpty()) {
                report.claimedElsewhere();
                return new TrialSummary(trialId, spec, TrialSummary.Outcome.CLAIMED, null, null);
            }
            try (TrialClaims.Claim claim = claimed.get()) {
                if (!config.output().rerun() && shared.table().isCommitted(config.experiment(), trialId)) {
                    report.skipped(); // another sweep committed it after this one started
                    return new TrialSummary(trialId, spec, TrialSummary.Outcome.SKIPPED, null, null);
                }
                TrialRecord record = trainAndCommit(shared, spec, trialId, runId, perWorker, claim);
                return new TrialSummary(trialId, spec, TrialSummary.Outcome.TRAINED, record, null);
            }
        } catch (Exception | Error e) {
            String message = e.getClass().getSimpleName() + ": " + e.getMessage();
            report.failed(message);
            LOG.warn("Trial {} failed", trialId, e); // the whole cause, for whoever must find out why
            return new TrialSummary(trialId, spec, TrialSummary.Outcome.FAILED, null, message);
        }
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "unknown host";
        }
    }

    /** Reads and checks everything before the first trial, so that bad input changes nothing. */
    private Shared prepare(JavaSparkContext sc, int workers) throws IOException {
        Configuration hadoop = sc.hadoopConfiguration();
        MnistDataset dataset = MnistDataset.load(config.data().dir(), hadoop);
        MnistImages train = dataset.train().first(config.data().trainLimit());
        MnistImages test = dataset.test().first(config.data().testLimit());
        report.data(dataset.location(), train.count(), test.count());

        ResultsTable table = new ResultsTable(spark, config.output().results());
        table.checkUsable();
        ModelStore models = new ModelStore(config.output().models(), hadoop);
        models.checkWritable();
        String dataKey = TrialIdentity.dataKey(dataset.sha256(), train.count(), test.count(),
                config.normalization().mean(), config.normalization().std());
        SharedImages images = new SharedImages(sc, train, test);
        return new Shared(dataset, images, dataKey, table, models,
                new TrialTrainer(sc, images, workers, config.training().workerPrefetch()), workers);
    }

    /** Each worker's minibatch: fixed by the configuration, or the global batch shared out, rounded up. */
    private int minibatchPerWorker(TrialSpec spec, int workers) {
        int fixed = config.training().batchSizePerWorker();
        return fixed > 0 ? fixed : (spec.batchSize() + workers - 1) / workers;
    }

    private TrialRecord trainAndCommit(Shared in, TrialSpec spec, String trialId, String runId, int perWorker,
                                       TrialClaims.Claim claim) throws Exception {
        Instant started = Instant.now();
        double mean = config.normalization().mean();
        double std = config.normalization().std();
        CnnSpec cnn = new CnnSpec(spec.hiddenChannels(), spec.kernelSize(), spec.dropout(), spec.optimizer(),
                spec.learningRate(), spec.momentum(), spec.seed());
        TrainingRun run = new TrainingRun(spec.engine(), spec.epochs(), spec.trainFraction(), spec.seed(), perWorker,
                spec.averagingFrequency(), mean, std);
        TrialTrainer.Outcome outcome = in.trainer().train(cnn, run, config.output().progressEvery(),
                report.progress(spec.epochs()));
        report.networksBuilt(spec.engine(), outcome.networksBuilt());

        String modelPath = in.models().save(outcome.network(), config.experiment(), trialId, runId);
        List<EpochResult> epochs = outcome.epochs();
        EpochResult last = epochs.get(epochs.size() - 1);
        boolean finite = epochs.stream().allMatch(e -> Double.isFinite(e.trainLoss()) && Double.isFinite(e.testLoss()));
        double seconds = epochs.stream().mapToDouble(EpochResult::seconds).sum();
        long imagesTrained = epochs.stream().mapToLong(EpochResult::trainImages).sum();
        TrialRecord record = TrialRecord.builder()
                .experiment(config.experiment()).trialId(trialId).runId(runId)
                .status(finite ? TrialRecord.SUCCEEDED : TrialRecord.DIVERGED)
                .spec(spec).batchSizePerWorker(perWorker).workerPrefetch(config.training().workerPrefetch())
                .workers(in.workers()).parameters(outcome.network().numParams())
                .trainImages(last.trainImages()).testImages(in.images().test().count())
                .testAccuracy(epochs.stream().map(EpochResult::testAccuracy).toList())
                .testCorrectLast(last.testCorrect()).testLossLast(last.testLoss()).trainLossLast(last.trainLoss())
                .trainSeconds(seconds).imagesPerSecond(imagesTrained / seconds)
                .startedAt(started).finishedAt(Instant.now())
                .datasetLocation(in.dataset().location()).datasetSha256(in.dataset().sha256())
                .normalizationMean(mean).normalizationStd(std)
                .modelPath(modelPath).sparkMaster(spark.sparkContext().master())
                .appVersion(NativeRuntime.applicationVersion())
                .build();
        List<EpochRecord> epochRecords = epochs.stream().map(e -> new EpochRecord(config.experiment(), trialId, runId,
                e.epoch(), e.trainLoss(), e.testLoss(), e.testAccuracy(), e.testCorrect(), e.testExamples(),
                e.trainImages(), e.seconds(), e.imagesPerSecond(), e.time().fitSeconds(), e.time().dataSeconds(),
                e.time().setupSeconds(), e.confusion())).toList();
        try {
            claim.check(); // a sweep whose lease was taken over must not commit a second run
            in.table().commit(record, epochRecords);
        } catch (IOException | RuntimeException e) {
            in.models().discard(modelPath, e); // no row points at it: a failed trial leaves nothing behind
            throw e;
        }
        return record;
    }
}
