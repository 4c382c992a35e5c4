package org.mnistspark.sweep;

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
import org.mnistspark.results.TrialRecord;
import org.nd4j.linalg.dataset.DataSet;

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

import static org.mnistspark.TestFiles.listing;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole job on an embedded local[2] Spark with a real MNIST subset: 6,000 training and 1,000 test
 * images, two configurations, two epochs. The steps share one results table and run in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SweepEndToEndTest {
    /** Accuracy a broken model (wrong labels, no learning, training-set leakage of the wrong kind) cannot reach. */
    static final double ACCURACY_BAR = 0.90;

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
                "data.minibatch-dir=\"" + work.resolve("minibatches") + "\"",
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

        assertEquals(2, result.count(TrialSummary.Outcome.TRAINED), printed);
        assertTrue(printed.contains("epoch 1/2 ["), "progress lines");
        assertTrue(printed.contains("test accuracy"), "per-epoch test results");
        for (TrialSummary trial : result.trials()) {
            TrialRecord record = trial.record();
            assertTrue(record.testAccuracyLast() >= ACCURACY_BAR,
                    "trial " + trial.spec().canonical() + " reached only " + record.testAccuracyLast());
            assertEquals(6000, record.trainImages());
            assertEquals(1000, record.testImages());
            assertEquals(TrialRecord.SUCCEEDED, record.status());
        }

        ResultsTable table = table();
        table.registerViews();
        List<Row> rows = spark.sql("SELECT trial_id, hidden_channels, test_accuracy, test_accuracy_last, "
                + "test_correct_last, test_images, test_accuracy_min, test_accuracy_max, test_accuracy_avg, workers, "
                + "batch_size_per_worker, model_path FROM trials WHERE experiment = 'e2e' ORDER BY hidden_channels")
                .collectAsList();
        assertEquals(2, rows.size());
        for (int i = 0; i < 2; i++) {
            Row row = rows.get(i);
            TrialRecord record = result.trials().get(i).record();
            assertEquals(record.trialId(), row.getString(0));
            assertEquals(i == 0 ? 5 : 10, row.getInt(1));
            List<Double> accuracy = row.getList(2);
            assertEquals(record.testAccuracy(), accuracy);
            assertEquals(accuracy.get(1), row.getDouble(3));
            assertEquals(row.getLong(4) / (double) row.getLong(5), row.getDouble(3), 1e-15, "exact accuracy");
            assertEquals(Math.min(accuracy.get(0), accuracy.get(1)), row.getDouble(6));
            assertEquals(Math.max(accuracy.get(0), accuracy.get(1)), row.getDouble(7));
            assertEquals((accuracy.get(0) + accuracy.get(1)) / 2, row.getDouble(8), 1e-15);
            assertEquals(2, row.getInt(9));
            assertEquals(32, row.getInt(10), "64 per update over 2 workers");
            assertTrue(Files.isRegularFile(Paths.get(URI.create(row.getString(11)))));
        }
        List<Row> epochs = spark.sql("SELECT trial_id, epoch, test_accuracy FROM epochs WHERE experiment = 'e2e' "
                + "ORDER BY trial_id, epoch").collectAsList();
        assertEquals(4, epochs.size());
        for (Row epoch : epochs) {
            TrialRecord record = result.trials().stream().filter(t -> t.trialId().equals(epoch.getString(0)))
                    .findFirst().orElseThrow().record();
            assertEquals(record.testAccuracy().get(epoch.getInt(1) - 1), epoch.getDouble(2));
        }
    }

    @Test
    @Order(2)
    void recordedAccuracyIsTheSavedModelsAccuracyOnTheTestImages() throws Exception {
        Row row = table().trials().where("experiment = 'e2e' AND hidden_channels = 10")
                .select("model_path", "test_correct_last").collectAsList().get(0);
        MultiLayerNetwork model = ModelSerializer.restoreMultiLayerNetwork(new File(URI.create(row.getString(0))), false);
        MnistImages test = MnistDataset.load(TestSpark.mnistDir().toString(), spark.sparkContext().hadoopConfiguration())
                .test().first(1000);
        int[] order = java.util.stream.IntStream.range(0, 1000).toArray();
        DataSet images = Minibatches.toDataSet(test, order, 0, 1000, 0.1307, 0.3081);
        int[] predicted = model.predict(images.getFeatures());
        long correct = java.util.stream.IntStream.range(0, 1000).filter(i -> predicted[i] == test.label(i)).count();
        assertEquals(row.getLong(1), correct);
    }

    @Test
    @Order(3)
    void rerunSkipsFinishedTrials() throws Exception {
        List<String> before = listing(work.resolve("results/trials"));
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        SweepResult result = sweep(output);
        assertEquals(2, result.count(TrialSummary.Outcome.SKIPPED), output.toString(StandardCharsets.UTF_8));
        assertEquals(0, result.count(TrialSummary.Outcome.TRAINED));
        assertEquals(before, listing(work.resolve("results/trials")));
        assertEquals(2, table().trials().count());
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

        InvalidDataException e = assertThrows(InvalidDataException.class, () -> sweep(new ByteArrayOutputStream(),
                "data.dir=\"" + badData + "\"", "output.rerun=true"));
        assertTrue(e.getMessage().contains(MnistDataset.TEST_LABELS) && e.getMessage().contains("label 12"),
                e.getMessage());
        assertEquals(before, listing(work.resolve("results/trials")));
        assertEquals(2, table().trials().count());
    }

    @Test
    @Order(5)
    void unwritableModelsFolderIsReportedBeforeTrainingAndChangesNothing() throws Exception {
        Path notAFolder = work.resolve("models-file");
        Files.writeString(notAFolder, "the models folder cannot be created under a file");
        IOException e = assertThrows(IOException.class, () -> sweep(new ByteArrayOutputStream(),
                "model.hidden-channels=[3]", "training.epochs=1", "output.models=\"" + notAFolder.resolve("sub") + "\""));
        assertTrue(e.getMessage().contains("models-file") && e.getMessage().contains("not writable"), e.getMessage());
        assertEquals(2, table().trials().count());
        assertEquals(4, table().allEpochRows().count(), "no epoch rows of the failed trial on storage");
    }

    @Test
    @Order(6)
    void failedTrialLeavesNoRows() throws Exception {
        // A trial that fails after training: the table's epochs folder turns into a file, so the commit
        // cannot place the trial's files (the up-front check only covers the staging folder).
        Path epochs = work.resolve("results/epochs");
        Path aside = work.resolve("epochs-aside");
        Files.move(epochs, aside);
        Files.writeString(epochs, "not a folder");
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        SweepResult result;
        try {
            result = sweep(output, "model.hidden-channels=[3]", "training.epochs=1", "data.train-limit=640");
        } finally {
            Files.delete(epochs);
            Files.move(aside, epochs);
        }
        assertFalse(result.succeeded());
        assertEquals(1, result.count(TrialSummary.Outcome.FAILED), output.toString(StandardCharsets.UTF_8));
        assertEquals(2, table().trials().count());
        assertEquals(4, table().allEpochRows().count(), "no epoch rows of the failed trial on storage");
        assertTrue(listing(work.resolve("results/_staging")).isEmpty());
        String failedId = result.trials().stream().filter(t -> t.outcome() == TrialSummary.Outcome.FAILED)
                .findFirst().orElseThrow().trialId();
        try (Stream<Path> models = Files.walk(work.resolve("models"))) {
            assertEquals(List.of(), models.map(p -> p.getFileName().toString())
                    .filter(name -> name.contains(failedId)).toList(), "the failed trial's model is removed too");
        }
    }
}
