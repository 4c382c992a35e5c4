package org.mnistspark.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.mnistspark.TestFiles.listing;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.mnistspark.TestSpark;
import org.mnistspark.config.SweepConfig;
import org.mnistspark.data.InvalidDataException;
import org.mnistspark.data.Minibatches;
import org.mnistspark.data.MnistDataset;
import org.mnistspark.data.MnistImages;
import org.mnistspark.results.ResultsTable;
import org.mnistspark.results.Status;
import org.mnistspark.results.TrialRecord;
import org.mnistspark.storage.FaultyFileSystem;
import org.nd4j.linalg.dataset.DataSet;

/**
 * The whole job on an embedded local[2] Spark with a real MNIST subset: 6,000 training and 1,000 test
 * images, two configurations, two epochs. The steps share one results table and run in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SweepEndToEndTest {
    /**
     * Accuracy a model that learned reaches here and a broken one (wrong labels, no learning) cannot,
     * set from a measured distribution, not inside it: these settings over seeds 1-8 on the default
     * engine gave 0.891-0.921 for h = 5 and 0.896-0.910 for h = 10 (mean 0.904, standard deviation
     * 0.009), so 0.85 is over 4 deviations below the lowest. Training is deterministic per seed and CPU
     * (seed 1 gives 0.921 and 0.910 here); another CPU's kernels round differently, hence the margin.
     */
    static final double ACCURACY_BAR = 0.85;

    @TempDir
    static Path work;

    private final SparkSession spark = TestSpark.session();

    static List<String> settings(String... extra) {
        List<String> settings = new ArrayList<>(List.of(
                "experiment=e2e",
                "data.dir=\"" + TestSpark.mnistDir() + "\"",
                "data.train-limit=6000",
                "data.test-limit=1000",
                "data.workers=2",
                "model.hidden-channels=[5,10]",
                // 6,000 images give 188 updates in two epochs: a higher rate than the reference's 0.01
                // lets that reach the bar.
                "training.learning-rate=0.05",
                "training.momentum=0.9",
                "output.results=\"" + work.resolve("results") + "\"",
                "output.models=\"" + work.resolve("models") + "\""));
        settings.addAll(Arrays.asList(extra));
        return settings;
    }

    private SweepResult sweep(ByteArrayOutputStream output, String... extra) throws IOException {
        SweepConfig config = SweepConfig.load(null, settings(extra));
        return new Sweep(spark, config, new PrintStream(output, true, StandardCharsets.UTF_8)).run();
    }

    private ResultsTable table() throws IOException {
        return new ResultsTable(spark, work.resolve("results").toString());
    }

    @Test
    @Order(1)
    void sweepTrainsEveryConfigurationAndWritesTheTable() throws Exception {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        SweepResult result = sweep(output);
        String printed = output.toString(StandardCharsets.UTF_8);

        assertThat(result.count(TrialSummary.Outcome.TRAINED)).as(printed).isEqualTo(2);
        assertThat(printed).as("progress lines and per-epoch test results").contains("epoch 1/2 [", "test accuracy");
        for (TrialSummary trial : result.trials()) {
            TrialRecord record = trial.record();
            assertThat(record.outcome().testAccuracyLast())
                    .as("trial " + trial.spec().canonical())
                    .isGreaterThanOrEqualTo(ACCURACY_BAR);
            assertThat(record.outcome().trainImages()).isEqualTo(6000);
            assertThat(record.setup().testImages()).isEqualTo(1000);
            assertThat(record.status()).isEqualTo(Status.SUCCEEDED);
        }

        ResultsTable table = table();
        table.registerViews();
        List<Row> rows = spark.sql(
                        "SELECT trial_id, hidden_channels, test_accuracy, test_accuracy_last, "
                                + "test_correct_last, test_images, test_accuracy_min, test_accuracy_max, test_accuracy_avg, workers, "
                                + "batch_size_per_worker, model_path, isa FROM trials WHERE experiment = 'e2e' ORDER BY hidden_channels")
                .collectAsList();
        assertThat(rows).hasSize(2);
        for (int i = 0; i < 2; i++) {
            Row row = rows.get(i);
            TrialRecord record = result.trials().get(i).record();
            assertThat(row.getString(0)).isEqualTo(record.trialId());
            assertThat(row.getInt(1)).isEqualTo(i == 0 ? 5 : 10);
            List<Double> accuracy = row.getList(2);
            assertThat(accuracy).isEqualTo(record.outcome().testAccuracy());
            assertThat(row.getDouble(3)).isEqualTo(accuracy.get(1));
            assertThat(row.getDouble(3))
                    .as("exact accuracy")
                    .isCloseTo(row.getLong(4) / (double) row.getLong(5), within(1e-15));
            assertThat(row.getDouble(6)).isEqualTo(Math.min(accuracy.get(0), accuracy.get(1)));
            assertThat(row.getDouble(7)).isEqualTo(Math.max(accuracy.get(0), accuracy.get(1)));
            assertThat(row.getDouble(8)).isCloseTo((accuracy.get(0) + accuracy.get(1)) / 2, within(1e-15));
            assertThat(row.getInt(9)).isEqualTo(2);
            assertThat(row.getInt(10)).as("64 per update over 2 workers").isEqualTo(32);
            assertThat(Paths.get(URI.create(row.getString(11)))).isRegularFile();
            assertThat(row.getString(12))
                    .as("the instruction set local[2]'s executor, this JVM, chose")
                    .isEqualTo(org.mnistspark.model.CpuIsa.apply().isa());
        }
        List<Row> epochs = spark.sql("SELECT trial_id, epoch, test_accuracy FROM epochs WHERE experiment = 'e2e' "
                        + "ORDER BY trial_id, epoch")
                .collectAsList();
        assertThat(epochs).hasSize(4);
        // Each epoch's confusion matrix counts the test images: its diagonal is the correct count.
        List<Row> counted = spark.sql("SELECT e.trial_id, e.epoch, e.test_correct, e.test_images, "
                        + "sum(CASE WHEN c.true_label = c.predicted_label THEN c.count END), sum(c.count) "
                        + "FROM epochs e JOIN confusions c ON e.run_id = c.run_id AND e.epoch = c.epoch "
                        + "WHERE e.experiment = 'e2e' GROUP BY e.trial_id, e.epoch, e.test_correct, e.test_images")
                .collectAsList();
        assertThat(counted).hasSize(4).allSatisfy(row -> {
            assertThat(row.getLong(4)).isEqualTo(row.getLong(2));
            assertThat(row.getLong(5)).isEqualTo(row.getLong(3)).isEqualTo(1000);
        });
        assertThat(spark.sql("SELECT count(*) FROM classes WHERE experiment = 'e2e'")
                        .first()
                        .getLong(0))
                .as("10 labels x 2 epochs x 2 trials")
                .isEqualTo(40);
        for (Row epoch : epochs) {
            TrialRecord record = result.trials().stream()
                    .filter(t -> t.trialId().equals(epoch.getString(0)))
                    .findFirst()
                    .orElseThrow()
                    .record();
            assertThat(epoch.getDouble(2))
                    .isEqualTo(record.outcome().testAccuracy().get(epoch.getInt(1) - 1));
        }
    }

    @Test
    @Order(2)
    void recordedAccuracyIsTheSavedModelsAccuracyOnTheTestImages() throws Exception {
        Row row = table().trials()
                .where("experiment = 'e2e' AND hidden_channels = 10")
                .select("model_path", "test_correct_last")
                .collectAsList()
                .get(0);
        MultiLayerNetwork model =
                ModelSerializer.restoreMultiLayerNetwork(new File(URI.create(row.getString(0))), false);
        MnistImages test = MnistDataset.load(
                        TestSpark.mnistDir().toString(), spark.sparkContext().hadoopConfiguration())
                .test()
                .first(1000);
        int[] order = java.util.stream.IntStream.range(0, 1000).toArray();
        DataSet images = Minibatches.toDataSet(test, order, 0, 1000, 0.1307, 0.3081);
        int[] predicted = model.predict(images.getFeatures());
        long correct = java.util.stream.IntStream.range(0, 1000)
                .filter(i -> predicted[i] == test.label(i))
                .count();
        assertThat(correct).isEqualTo(row.getLong(1));
    }

    @Test
    @Order(3)
    void rerunSkipsFinishedTrials() throws Exception {
        List<String> before = listing(work.resolve("results/trials"));
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        SweepResult result = sweep(output);
        assertThat(result.count(TrialSummary.Outcome.SKIPPED))
                .as(output.toString(StandardCharsets.UTF_8))
                .isEqualTo(2);
        assertThat(result.count(TrialSummary.Outcome.TRAINED)).isZero();
        assertThat(listing(work.resolve("results/trials"))).isEqualTo(before);
        assertThat(table().trials().count()).isEqualTo(2);
    }

    @Test
    @Order(4)
    void badInputFileFailsClearlyAndLeavesTheTableUnchanged() throws Exception {
        Path badData = work.resolve("bad-mnist");
        Files.createDirectories(badData);
        for (String name : List.of(MnistDataset.TRAIN_IMAGES, MnistDataset.TRAIN_LABELS, MnistDataset.TEST_IMAGES)) {
            Files.copy(TestSpark.mnistDir().resolve(name), badData.resolve(name));
        }
        byte[] labels = Files.readAllBytes(TestSpark.mnistDir().resolve(MnistDataset.TEST_LABELS));
        labels[8 + 17] = 12; // header is 8 bytes; label 17 becomes 12
        Files.write(badData.resolve(MnistDataset.TEST_LABELS), labels);
        List<String> before = listing(work.resolve("results/trials"));

        assertThatThrownBy(
                        () -> sweep(new ByteArrayOutputStream(), "data.dir=\"" + badData + "\"", "output.rerun=true"))
                .isInstanceOf(InvalidDataException.class)
                .hasMessageContaining(MnistDataset.TEST_LABELS)
                .hasMessageContaining("label 12");
        assertThat(listing(work.resolve("results/trials"))).isEqualTo(before);
        assertThat(table().trials().count()).isEqualTo(2);
    }

    @Test
    @Order(5)
    void unwritableModelsFolderIsReportedBeforeTrainingAndChangesNothing() throws Exception {
        Path notAFolder = work.resolve("models-file");
        Files.writeString(notAFolder, "the models folder cannot be created under a file");
        assertThatThrownBy(() -> sweep(
                        new ByteArrayOutputStream(),
                        "model.hidden-channels=[3]",
                        "training.epochs=1",
                        "output.models=\"" + notAFolder.resolve("sub") + "\""))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("models-file")
                .hasMessageContaining("not writable");
        assertThat(table().trials().count()).isEqualTo(2);
        assertThat(table().allEpochRows().count())
                .as("no epoch rows of the failed trial on storage")
                .isEqualTo(4);
    }

    @Test
    @Order(6)
    void failedTrialLeavesNoRows() throws Exception {
        // A trial that fails after training, at its commit: the same table through a file system that fails
        // the rename of the trial's row into trials/ (the commit point).
        registerFaultyScheme();
        FaultyFileSystem.arm(FaultyFileSystem.Op.RENAME, 1, FaultyFileSystem.Mode.THROW, "/results/trials/trial-");
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        SweepResult result;
        try {
            result = sweep(
                    output,
                    "model.hidden-channels=[3]",
                    "training.epochs=1",
                    "data.train-limit=640",
                    "output.results=\"faulty://" + work.resolve("results") + "\"");
        } finally {
            FaultyFileSystem.disarm();
        }
        assertThat(result.succeeded()).isFalse();
        assertThat(result.count(TrialSummary.Outcome.FAILED))
                .as(output.toString(StandardCharsets.UTF_8))
                .isEqualTo(1);
        assertThat(result.trials().get(0).error()).contains("injected fault");
        assertThat(table().trials().count()).isEqualTo(2);
        assertThat(table().allEpochRows().count())
                .as("no epoch rows of the failed trial on storage")
                .isEqualTo(4);
        assertThat(listing(work.resolve("results/_staging"))).isEmpty();
        String failedId = result.trials().stream()
                .filter(t -> t.outcome() == TrialSummary.Outcome.FAILED)
                .findFirst()
                .orElseThrow()
                .trialId();
        try (Stream<Path> models = Files.walk(work.resolve("models"))) {
            assertThat(models.map(p -> p.getFileName().toString()))
                    .as("the failed trial's model is removed too")
                    .noneMatch(name -> name.contains(failedId));
        }
    }

    /**
     * An Error in a trial (here the OutOfMemoryError a JVM short of memory throws, while its model is
     * written) fails that trial only, while another trains beside it: it is reported with its message,
     * and the other trial completes. The fault names the failing trial's model file, so which trial
     * fails does not depend on which of the two finishes first.
     */
    @Test
    @Order(7)
    void anErrorInOneTrialFailsItAndTheTrialBesideItGoesOn() throws Exception {
        registerFaultyScheme();
        String[] settings = {
            "model.hidden-channels=[3,4]",
            "training.epochs=1",
            "data.train-limit=640",
            "sweep.parallel-trials=2",
            "output.models=\"faulty://" + work.resolve("models-faulty") + "\""
        };
        String failing = trialIds(settings).get(0);
        FaultyFileSystem.arm(
                FaultyFileSystem.Op.CREATE, 1, FaultyFileSystem.Mode.ERROR, "/models-faulty/e2e/." + failing + "-");
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        SweepResult result;
        try {
            result = sweep(output, settings);
        } finally {
            FaultyFileSystem.disarm();
        }
        String printed = output.toString(StandardCharsets.UTF_8);
        assertThat(result.parallelTrials()).isEqualTo(2);
        assertThat(result.trials())
                .extracting(TrialSummary::outcome)
                .containsExactly(TrialSummary.Outcome.FAILED, TrialSummary.Outcome.TRAINED);
        assertThat(result.trials().get(0).trialId()).isEqualTo(failing);
        assertThat(result.trials().get(0).error()).startsWith("OutOfMemoryError: injected fault");
        assertThat(printed).contains("[1/2]  FAILED, nothing written to the results table: OutOfMemoryError");
        assertThat(table().trials().where("hidden_channels = 3").count()).isZero();
        assertThat(table().trials().where("hidden_channels = 4").count()).isEqualTo(1);
    }

    /**
     * A trial's numbers do not depend on how many train beside it: the same grid with one trial at a
     * time and with two at once (4 workers' tasks on local[2]'s 2 cores, in two FAIR pools) gives the
     * same ids, the same losses and test counts in every epoch, and the same parameters, to the bit.
     */
    @Test
    @Order(8)
    void trialsSideBySideTrainExactlyAsOneAtATime() throws Exception {
        List<String> common = List.of(
                "model.hidden-channels=[3,4,6]", "data.train-limit=1280", "data.test-limit=500", "output.rerun=true");
        List<List<String>> runs = new ArrayList<>();
        List<List<float[]>> parameters = new ArrayList<>();
        for (int trialsAtOnce : List.of(1, 2)) {
            Path results = work.resolve("results-p" + trialsAtOnce);
            List<String> settings = new ArrayList<>(common);
            settings.addAll(List.of(
                    "sweep.parallel-trials=" + trialsAtOnce,
                    "output.results=\"" + results + "\"",
                    "output.models=\"" + work.resolve("models-p" + trialsAtOnce) + "\""));
            ByteArrayOutputStream output = new ByteArrayOutputStream();
            SweepResult result = sweep(output, settings.toArray(String[]::new));
            assertThat(result.count(TrialSummary.Outcome.TRAINED))
                    .as(output.toString(StandardCharsets.UTF_8))
                    .isEqualTo(3);
            assertThat(result.parallelTrials()).isEqualTo(trialsAtOnce);
            ResultsTable table = new ResultsTable(spark, results.toString());
            runs.add(table.epochs()
                    .orderBy("trial_id", "epoch")
                    .selectExpr("concat_ws(' ', trial_id, epoch, train_loss, test_loss, test_correct)")
                    .as(org.apache.spark.sql.Encoders.STRING())
                    .collectAsList());
            List<float[]> models = new ArrayList<>();
            for (Row row :
                    table.trials().orderBy("trial_id").select("model_path").collectAsList()) {
                models.add(ModelSerializer.restoreMultiLayerNetwork(new File(URI.create(row.getString(0))), false)
                        .params()
                        .toFloatVector());
            }
            parameters.add(models);
        }
        assertThat(runs.get(0)).hasSize(6);
        assertThat(runs.get(1)).as("two trials at once against one").isEqualTo(runs.get(0));
        assertThat(parameters.get(1)).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(parameters.get(1).get(i))
                    .as("parameters of trial " + i)
                    .isEqualTo(parameters.get(0).get(i));
        }
    }

    /** The ids the sweep gives the trials of these settings, in grid order. */
    private List<String> trialIds(String... extra) throws IOException {
        SweepConfig config = SweepConfig.load(null, settings(extra));
        try (TrialSteps steps = TrialSteps.prepare(spark, config, new PrintStream(new ByteArrayOutputStream()))) {
            return config.trials().stream()
                    .map(spec -> steps.trialId(config.experiment(), spec))
                    .toList();
        }
    }

    private void registerFaultyScheme() {
        FaultyFileSystem.settings()
                .forEach((key, value) ->
                        spark.sparkContext().hadoopConfiguration().set(key.substring("spark.hadoop.".length()), value));
    }
}
