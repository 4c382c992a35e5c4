package org.mnistspark.sweep;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.mnistspark.config.SweepConfig;
import org.mnistspark.config.TrialSpec;
import org.mnistspark.data.MnistDataset;
import org.mnistspark.data.MnistImages;
import org.mnistspark.model.CnnSpec;
import org.mnistspark.model.NativeRuntime;
import org.mnistspark.results.EpochRecord;
import org.mnistspark.results.ModelStore;
import org.mnistspark.results.ResultsTable;
import org.mnistspark.results.Status;
import org.mnistspark.results.TrialClaims;
import org.mnistspark.results.TrialRecord;
import org.mnistspark.training.EpochResult;
import org.mnistspark.training.SharedImages;
import org.mnistspark.training.TrainingProgress;
import org.mnistspark.training.TrainingRun;
import org.mnistspark.training.TrialTrainer;

/**
 * What every trial of a sweep or a tuning job shares, read and checked once before the first trial (the
 * data, the results table, the models folder, the images on the executors), and the steps of one trial
 * run: train it, from a new network or on from a saved one, save its model, and commit its rows.
 */
public final class TrialSteps implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TrialSteps.class);
    private final SweepConfig config;
    private final SharedImages images;
    private final String dataKey;
    private final TrialRecord.Setup setup;
    private final TrialRecord.Provenance provenance;
    private final ResultsTable table;
    private final ModelStore models;
    private final TrialTrainer trainer;
    private final ConsoleReport report;

    private TrialSteps(
            SweepConfig config,
            SharedImages images,
            String dataKey,
            TrialRecord.Setup setup,
            TrialRecord.Provenance provenance,
            ResultsTable table,
            ModelStore models,
            TrialTrainer trainer,
            ConsoleReport report) {
        this.config = config;
        this.images = images;
        this.dataKey = dataKey;
        this.setup = setup;
        this.provenance = provenance;
        this.table = table;
        this.models = models;
        this.trainer = trainer;
        this.report = report;
    }

    /**
     * Reads and checks everything before the first trial, so that bad input changes nothing: the data (its
     * line is printed to {@code out}), the table's schema and the folders' writability; then sends the
     * images to the executors.
     */
    public static TrialSteps prepare(SparkSession spark, SweepConfig config, PrintStream out) throws IOException {
        ConsoleReport report = new ConsoleReport(out);
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Configuration hadoop = sc.hadoopConfiguration();
        MnistDataset dataset = MnistDataset.load(config.data().dir(), hadoop);
        MnistImages train = dataset.train().first(config.data().trainLimit());
        MnistImages test = dataset.test().first(config.data().testLimit());
        report.data(dataset.location(), train.count(), test.count());

        ResultsTable table = new ResultsTable(spark, config.output().results());
        table.checkUsable();
        ModelStore models = new ModelStore(config.output().models(), hadoop);
        models.checkWritable();
        String dataKey = TrialIdentity.dataKey(
                dataset.sha256(),
                train.count(),
                test.count(),
                config.normalization().mean(),
                config.normalization().std());
        TrialRecord.Setup setup = new TrialRecord.Setup(
                config.training().workerPrefetch(),
                test.count(),
                config.normalization().mean(),
                config.normalization().std());
        TrialRecord.Provenance provenance = new TrialRecord.Provenance(
                dataset.location(),
                dataset.sha256(),
                spark.sparkContext().master(),
                NativeRuntime.applicationVersion());
        SharedImages images = new SharedImages(sc, train, test);
        return new TrialSteps(
                config,
                images,
                dataKey,
                setup,
                provenance,
                table,
                models,
                new TrialTrainer(sc, images, config.training().workerPrefetch()),
                report);
    }

    public ResultsTable table() {
        return table;
    }

    public ModelStore models() {
        return models;
    }

    /** Each worker's minibatch: fixed by the configuration, or the global batch shared out, rounded up. */
    public int minibatchPerWorker(TrialSpec spec) {
        return config.minibatchPerWorker(spec);
    }

    /** The trial's id in {@code experiment}: the same configuration, data and setup always get the same one. */
    public String trialId(String experiment, TrialSpec spec) {
        return TrialIdentity.trialId(
                experiment, spec, TrialIdentity.setup(dataKey, spec.workers(), minibatchPerWorker(spec)));
    }

    /**
     * The id of rung {@code rung} of a tuning job's configuration: its own, so that a grid trial of the same
     * configuration and epochs is never taken for it (nor it for the trial).
     */
    public String rungId(String job, TrialSpec spec, int rung) {
        return TrialIdentity.trialId(
                job,
                spec,
                TrialIdentity.setup(dataKey, spec.workers(), minibatchPerWorker(spec)) + "|tuning rung=" + rung);
    }

    /**
     * Where a run starts: a new network, or a saved one after {@code epochsDone} epochs whose test
     * accuracies were {@code earlierAccuracy}.
     */
    public record Start(MultiLayerNetwork network, int epochsDone, List<Double> earlierAccuracy) {
        public static Start fresh() {
            return new Start(null, 0, List.of());
        }
    }

    /**
     * One trial run: trains {@code spec} to {@code spec.epochs()} from {@code start}, saves the model (with
     * its updater state for a tuning row, so that a next rung can go on from it), and commits the row and
     * the epochs trained now, all or nothing. A commit that fails deletes the model again.
     *
     * <p>Any number of driver threads may run trials at once (each its own): this writes only the trial's
     * own model and rows, and its progress lines begin with {@code label}, so that they say whose they are.
     *
     * @param statusIfFinite the row's status if every loss stayed finite (else {@code diverged})
     * @param tuning         the tuning columns; null for a grid trial
     */
    public TrialRecord trainAndCommit(
            String experiment,
            TrialSpec spec,
            String trialId,
            String runId,
            TrialClaims.Claim claim,
            Start start,
            Status statusIfFinite,
            TrialRecord.Tuning tuning,
            String label)
            throws Exception {
        Instant started = Instant.now();
        int perWorker = minibatchPerWorker(spec);
        CnnSpec cnn = CnnSpec.of(spec);
        TrainingRun run = new TrainingRun(
                spec.engine(),
                spec.epochs(),
                spec.trainFraction(),
                spec.seed(),
                spec.workers(),
                perWorker,
                spec.averagingFrequency(),
                setup.normalizationMean(),
                setup.normalizationStd());
        TrainingProgress progress = report.progress(label, spec.epochs());
        TrialTrainer.Outcome outcome = start.network() == null
                ? trainer.train(cnn, run, config.output().progressEvery(), progress)
                : trainer.train(
                        start.network(),
                        start.epochsDone(),
                        run,
                        config.output().progressEvery(),
                        progress);
        report.networksBuilt(label, spec.engine(), outcome.networksBuilt());
        report.executors(label, outcome.executors());

        String modelPath = models.save(outcome.network(), experiment, trialId, runId, tuning != null);
        List<EpochResult> epochs = outcome.epochs();
        EpochResult last = epochs.get(epochs.size() - 1);
        boolean finite = epochs.stream().allMatch(e -> Double.isFinite(e.trainLoss()) && Double.isFinite(e.testLoss()));
        double seconds = epochs.stream().mapToDouble(EpochResult::seconds).sum();
        long imagesTrained = epochs.stream().mapToLong(EpochResult::trainImages).sum();
        List<Double> accuracy = new ArrayList<>(start.earlierAccuracy());
        epochs.forEach(e -> accuracy.add(e.testAccuracy()));
        TrialRecord.Outcome result = new TrialRecord.Outcome(
                outcome.network().numParams(),
                last.trainImages(),
                accuracy,
                last.testCorrect(),
                last.testLoss(),
                last.trainLoss(),
                seconds,
                imagesTrained / seconds,
                started,
                Instant.now(),
                modelPath,
                outcome.isa());
        TrialRecord record = new TrialRecord(
                experiment,
                trialId,
                runId,
                finite ? statusIfFinite : Status.DIVERGED,
                spec,
                perWorker,
                setup,
                provenance,
                result,
                tuning);
        List<EpochRecord> epochRecords = epochs.stream()
                .map(e -> new EpochRecord(
                        experiment,
                        trialId,
                        runId,
                        e.epoch(),
                        e.trainLoss(),
                        e.testLoss(),
                        e.testAccuracy(),
                        e.testCorrect(),
                        e.testExamples(),
                        e.trainImages(),
                        e.seconds(),
                        e.imagesPerSecond(),
                        e.time().fitSeconds(),
                        e.time().dataSeconds(),
                        e.time().setupSeconds(),
                        e.confusion()))
                .toList();
        try {
            claim.check(); // a run whose lease was taken over must not commit a second run
            table.commit(record, epochRecords);
        } catch (IOException | RuntimeException e) {
            models.discard(modelPath, e); // no row points at it: a failed trial leaves nothing behind
            throw e;
        }
        return record;
    }

    /**
     * Commits a failed run's row: no model, no epochs; a later run of the job tries the trial again. Best
     * effort, since storage may be what failed: returns whether the row was committed.
     */
    public boolean commitFailure(
            String experiment,
            TrialSpec spec,
            String trialId,
            String runId,
            TrialClaims.Claim claim,
            Instant started,
            TrialRecord.Tuning tuning) {
        try {
            claim.check();
            table.commit(
                    TrialRecord.failed(
                            experiment,
                            trialId,
                            runId,
                            spec,
                            minibatchPerWorker(spec),
                            setup,
                            provenance,
                            started,
                            tuning),
                    List.of());
            return true;
        } catch (Exception | Error e) {
            LOG.warn("Could not commit the failed row of trial {}", trialId, e);
            return false;
        }
    }

    /** Frees the images on the executors. */
    @Override
    public void close() {
        images.close();
    }
}
