package org.mnistspark.sweep;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.mnistspark.config.SweepConfig;
import org.mnistspark.config.TrialSpec;
import org.mnistspark.data.MinibatchStore;
import org.mnistspark.data.Minibatches;
import org.mnistspark.data.MnistDataset;
import org.mnistspark.data.MnistImages;
import org.mnistspark.model.CnnSpec;
import org.mnistspark.model.NativeRuntime;
import org.mnistspark.results.EpochRecord;
import org.mnistspark.results.ResultsTable;
import org.mnistspark.results.TablePrinter;
import org.mnistspark.results.TrialRecord;
import org.mnistspark.training.EpochResult;
import org.mnistspark.training.ExecutorCores;
import org.mnistspark.training.TrainingProgress;
import org.mnistspark.training.TrialTrainer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.apache.spark.sql.functions.col;

/**
 * Runs a sweep: every trial of the configuration's grid that the results table does not have yet is
 * trained on Spark and committed to the table; finished trials are skipped unless a rerun is asked for.
 */
public final class Sweep {
    private static final Logger LOG = LoggerFactory.getLogger(Sweep.class);
    /** Test minibatches hold this many images; evaluation speed only, not results, depends on it. */
    static final int EVALUATION_BATCH = 500;

    private final SparkSession spark;
    private final SweepConfig config;
    private final PrintStream out;

    public Sweep(SparkSession spark, SweepConfig config, PrintStream out) {
        this.spark = spark;
        this.config = config;
        this.out = out;
    }

    public SweepResult run() throws IOException {
        NativeRuntime.configure();
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Configuration hadoop = sc.hadoopConfiguration();
        List<TrialSpec> grid = config.trials();
        ExecutorCores.Count cores = config.data().workers() > 0
                ? new ExecutorCores.Count(config.data().workers(), "data.workers")
                : ExecutorCores.await(sc.sc());
        int workers = cores.cores();

        out.printf("mnist-spark %s: experiment '%s', %d trial%s on %s with %d workers (%s)%n",
                NativeRuntime.applicationVersion(), config.experiment(), grid.size(), grid.size() == 1 ? "" : "s",
                sc.master(), workers, cores.how());
        out.println(NativeRuntime.describe());
        out.print("Settings:\n" + config.describe());

        // Read and check everything before the first trial, so bad input changes nothing.
        MnistDataset dataset = MnistDataset.load(config.data().dir(), hadoop);
        MnistImages train = dataset.train().first(config.data().trainLimit());
        MnistImages test = dataset.test().first(config.data().testLimit());
        out.printf("Data: %s: %d training and %d test images%n", dataset.location(), train.count(), test.count());

        ResultsTable table = new ResultsTable(spark, config.output().results());
        table.checkWritable();
        if (!config.output().models().isBlank()) {
            Path models = new Path(config.output().models());
            ResultsTable.checkWritable(models.getFileSystem(hadoop), models);
        }
        MinibatchStore store = new MinibatchStore(config.data().minibatchDir(), hadoop);
        double mean = config.normalization().mean();
        double std = config.normalization().std();
        String dataKey = dataKey(dataset.sha256(), train.count(), test.count(), mean, std);
        int testBatches = (test.count() + EVALUATION_BATCH - 1) / EVALUATION_BATCH;
        int[] testOrder = java.util.stream.IntStream.range(0, test.count()).toArray();
        List<String> testPaths = store.ensure("test-" + hash(dataKey), testBatches, i -> Minibatches.toDataSet(
                test, testOrder, i * EVALUATION_BATCH, Math.min(test.count(), (i + 1) * EVALUATION_BATCH), mean, std));

        Set<String> committed = table.committedTrialIds(config.experiment());
        SweepInputs inputs = new SweepInputs(dataset, train, test.count(), testPaths, dataKey, store, table,
                new TrialTrainer(sc, workers, config.training().workerPrefetch()), workers, sc.master());
        List<TrialSummary> summaries = new ArrayList<>();
        for (int index = 0; index < grid.size(); index++) {
            TrialSpec spec = grid.get(index);
            int perWorker = config.training().batchSizePerWorker() > 0 ? config.training().batchSizePerWorker()
                    : (spec.batchSize() + workers - 1) / workers;
            String trialId = spec.trialId(config.experiment(), setup(dataKey, workers, perWorker));
            out.printf("%n[%d/%d] trial %s: %s%n", index + 1, grid.size(), trialId, spec.canonical());
            if (committed.contains(trialId) && !config.output().rerun()) {
                out.println("  skipped: already in the results table (--rerun trains it again)");
                summaries.add(new TrialSummary(trialId, spec, TrialSummary.Outcome.SKIPPED, null, null));
                continue;
            }
            try {
                TrialRecord record = trainAndCommit(inputs, spec, trialId, perWorker);
                summaries.add(new TrialSummary(trialId, spec, TrialSummary.Outcome.TRAINED, record, null));
            } catch (Exception e) {
                String message = e.getClass().getSimpleName() + ": " + e.getMessage();
                out.println("  FAILED, nothing written to the results table: " + message);
                LOG.warn("Trial {} failed", trialId, e); // the whole cause, for whoever must find out why
                summaries.add(new TrialSummary(trialId, spec, TrialSummary.Outcome.FAILED, null, message));
            }
        }
        SweepResult result = new SweepResult(config.experiment(), table.location(), workers, List.copyOf(summaries));
        printSummary(table, result);
        return result;
    }

    /** What every trial of one sweep shares. */
    private record SweepInputs(MnistDataset dataset, MnistImages train, int testImages, List<String> testPaths,
                               String dataKey, MinibatchStore store, ResultsTable table, TrialTrainer trainer,
                               int workers, String master) {}

    private TrialRecord trainAndCommit(SweepInputs in, TrialSpec spec, String trialId, int perWorker)
            throws Exception {
        Instant started = Instant.now();
        MnistImages train = in.train();
        MinibatchStore store = in.store();
        double mean = config.normalization().mean();
        double std = config.normalization().std();
        int[] subset = Minibatches.stratifiedSubset(train, spec.trainFraction(), spec.seed());
        int batches = (subset.length + perWorker - 1) / perWorker;
        String setKey = hash(in.dataKey() + "|fraction=" + spec.trainFraction() + "|seed=" + spec.seed()
                + "|perWorker=" + perWorker);
        TrialTrainer.EpochData data = new TrialTrainer.EpochData() {
            @Override
            public List<String> minibatchPaths(int epoch) throws IOException {
                int[] order = Minibatches.epochOrder(subset, spec.seed(), epoch);
                return store.ensure("train-" + setKey + "-e" + epoch, batches, i -> Minibatches.toDataSet(
                        train, order, i * perWorker, Math.min(order.length, (i + 1) * perWorker), mean, std));
            }

            @Override
            public long images() {
                return subset.length;
            }

            @Override
            public int minibatchSize() {
                return perWorker;
            }
        };
        CnnSpec cnn = new CnnSpec(spec.hiddenChannels(), spec.kernelSize(), spec.dropout(), spec.optimizer(),
                spec.learningRate(), spec.momentum(), spec.seed());
        TrialTrainer.Outcome outcome = in.trainer().train(cnn, spec.epochs(), spec.averagingFrequency(), data, in.testPaths(),
                config.output().progressEvery(), new ConsoleProgress(spec.epochs()));

        String runId = UUID.randomUUID().toString();
        String modelPath = saveModel(outcome.network(), trialId, runId);
        List<EpochResult> epochs = outcome.epochs();
        EpochResult last = epochs.get(epochs.size() - 1);
        boolean finite = epochs.stream().allMatch(e -> Double.isFinite(e.trainLoss()) && Double.isFinite(e.testLoss()));
        double seconds = epochs.stream().mapToDouble(EpochResult::seconds).sum();
        long imagesTrained = epochs.stream().mapToLong(EpochResult::trainImages).sum();
        TrialRecord record = new TrialRecord(config.experiment(), trialId, runId,
                finite ? TrialRecord.SUCCEEDED : TrialRecord.DIVERGED, spec, perWorker,
                config.training().workerPrefetch(), in.workers(),
                outcome.network().numParams(), subset.length, in.testImages(),
                epochs.stream().map(EpochResult::testAccuracy).toList(), last.testCorrect(), last.testLoss(),
                last.trainLoss(), seconds, imagesTrained / seconds, started, Instant.now(), in.dataset().location(),
                in.dataset().sha256(), mean, std, modelPath, in.master(), NativeRuntime.applicationVersion());
        List<EpochRecord> epochRecords = epochs.stream().map(e -> new EpochRecord(config.experiment(), trialId, runId,
                e.epoch(), e.trainLoss(), e.testLoss(), e.testAccuracy(), e.testCorrect(), e.testExamples(),
                e.trainImages(), e.seconds(), e.imagesPerSecond())).toList();
        try {
            in.table().commit(record, epochRecords, config.output().rerun());
        } catch (IOException | RuntimeException e) {
            deleteModel(modelPath, e); // no row points at it: a failed trial leaves nothing behind
            throw e;
        }
        return record;
    }

    private void deleteModel(String modelPath, Exception failure) {
        if (modelPath == null) {
            return;
        }
        try {
            Path path = new Path(modelPath);
            path.getFileSystem(spark.sparkContext().hadoopConfiguration()).delete(path, false);
        } catch (IOException cleanup) {
            failure.addSuppressed(cleanup);
        }
    }

    /** Writes the model under a temporary name and renames it, so a model file is always whole. */
    private String saveModel(MultiLayerNetwork network, String trialId, String runId) throws IOException {
        if (config.output().models().isBlank()) {
            return null;
        }
        String experimentFolder = config.experiment().replaceAll("[^A-Za-z0-9._-]", "_");
        Path dir = new Path(new Path(config.output().models()), experimentFolder);
        FileSystem fs = dir.getFileSystem(spark.sparkContext().hadoopConfiguration());
        Path target = fs.makeQualified(new Path(dir, trialId + "-" + runId + ".zip"));
        Path scratch = new Path(dir, "." + target.getName() + ".tmp");
        try {
            try (FSDataOutputStream stream = fs.create(scratch, true)) {
                ModelSerializer.writeModel(network, stream, false);
            }
            if (!fs.rename(scratch, target)) {
                throw new IOException("cannot rename " + scratch + " to " + target);
            }
        } catch (IOException | RuntimeException e) {
            try {
                fs.delete(scratch, false);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        return target.toString();
    }

    private void printSummary(ResultsTable table, SweepResult result) throws IOException {
        List<String> ids = result.trials().stream().map(TrialSummary::trialId).toList();
        Dataset<Row> rows = table.trials()
                .where(col("experiment").equalTo(result.experiment()).and(col("trial_id").isin(ids.toArray())))
                .orderBy(col("test_accuracy_last").desc())
                .select("trial_id", "hidden_channels", "kernel_size", "dropout", "optimizer", "learning_rate",
                        "epochs", "test_accuracy", "test_correct_last", "test_loss_last", "train_seconds",
                        "images_per_second", "status");
        out.printf("%nTrials of experiment '%s' (%d trained now, %d already there, %d failed), best first:%n",
                result.experiment(), result.count(TrialSummary.Outcome.TRAINED),
                result.count(TrialSummary.Outcome.SKIPPED), result.count(TrialSummary.Outcome.FAILED));
        out.print(TablePrinter.format(rows, ids.size()));
        out.printf("Results table: %s%nQuery it with Spark SQL: submit/results.sh --results %s \"SELECT ...\" "
                + "(views: trials, epochs; see README.md)%n", result.resultsLocation(), config.output().results());
    }

    /**
     * Identifies the data a trial sees: file sums (in file-name order), image counts and normalization.
     * Part of every trial id, so changing it changes the ids of finished trials and breaks resuming.
     */
    static String dataKey(Map<String, String> sha256, int trainImages, int testImages, double mean, double std) {
        return String.join(",", sha256.values()) + "|train=" + trainImages + "|test=" + testImages
                + "|mean=" + mean + "|std=" + std;
    }

    /** Everything besides the hyperparameters that changes a trial's result. */
    static String setup(String dataKey, int workers, int batchSizePerWorker) {
        return dataKey + "|workers=" + workers + "|perWorker=" + batchSizePerWorker;
    }

    static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Prints progress lines for one trial. */
    private final class ConsoleProgress implements TrainingProgress {
        private final int epochs;

        ConsoleProgress(int epochs) {
            this.epochs = epochs;
        }

        @Override
        public void minibatches(int epoch, long imagesDone, long imagesInEpoch, double loss, double imagesPerSecond) {
            out.printf(Locale.ROOT, "  epoch %d/%d [%6d/%d %5.1f%%] loss %.4f  %.0f images/s%n", epoch, epochs,
                    imagesDone, imagesInEpoch, 100.0 * imagesDone / imagesInEpoch, loss, imagesPerSecond);
        }

        @Override
        public void epochDone(EpochResult r) {
            out.printf(Locale.ROOT, "  epoch %d/%d done: test loss %.6f, test accuracy %d/%d = %.4f; "
                            + "train loss %.6f; %.1f s, %.0f images/s%n", r.epoch(), epochs, r.testLoss(),
                    r.testCorrect(), r.testExamples(), r.testAccuracy(), r.trainLoss(), r.seconds(),
                    r.imagesPerSecond());
        }
    }
}
