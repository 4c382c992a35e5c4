package org.mnistspark.inference;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.mnistspark.TestFiles;
import org.mnistspark.TestSpark;
import org.mnistspark.config.SweepConfig;
import org.mnistspark.results.ResultsTable;
import org.mnistspark.sweep.Sweep;
import org.mnistspark.sweep.SweepResult;

/**
 * One real trained model for the inference tests, trained once per test JVM by a tiny sweep on the
 * tests' local[2] Spark: 6,000 MNIST training images, 2 epochs, tested on the first {@link #TEST_LIMIT}
 * test images. Its results table and model live in a temporary folder removed when the JVM exits.
 */
final class TinySweep {
    static final String EXPERIMENT = "tiny";
    static final int TEST_LIMIT = 1000;

    private static Path dir;
    private static Row trial;

    private TinySweep() {}

    /** The folder holding results/ and models/; trains on first use. */
    static synchronized Path dir() {
        if (dir == null) {
            try {
                Path created = Files.createTempDirectory("tiny-sweep");
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        TestFiles.deleteRecursively(created);
                    } catch (IOException ignored) {
                        // a temporary folder
                    }
                }));
                ByteArrayOutputStream output = new ByteArrayOutputStream();
                SweepConfig config = SweepConfig.load(
                        null,
                        List.of(
                                "experiment=" + EXPERIMENT,
                                "data.dir=\"" + TestSpark.mnistDir() + "\"",
                                "data.train-limit=6000",
                                "data.test-limit=" + TEST_LIMIT,
                                "data.workers=2",
                                "model.hidden-channels=10",
                                "training.epochs=2",
                                "training.learning-rate=0.05",
                                "training.momentum=0.9",
                                "output.results=\"" + created.resolve("results") + "\"",
                                "output.models=\"" + created.resolve("models") + "\""));
                SweepResult result = new Sweep(
                                TestSpark.session(), config, new PrintStream(output, true, StandardCharsets.UTF_8))
                        .run();
                if (!result.succeeded()) {
                    throw new IllegalStateException(
                            "the tiny sweep failed:\n" + output.toString(StandardCharsets.UTF_8));
                }
                dir = created;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return dir;
    }

    static String results() {
        return dir().resolve("results").toString();
    }

    /** The trained trial's row: run_id, trial_id, model_path, test_correct_last, test_images. */
    static synchronized Row trial() {
        if (trial == null) {
            try {
                trial = new ResultsTable(TestSpark.session(), results())
                        .trials()
                        .select(
                                "run_id",
                                "trial_id",
                                "model_path",
                                "test_correct_last",
                                "test_images",
                                "normalization_mean",
                                "normalization_std")
                        .collectAsList()
                        .get(0);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return trial;
    }

    /** The trained model, restored in this JVM. */
    static DigitModel model() {
        Row row = trial();
        try {
            return ModelFile.load(
                    new SelectedModel(
                            EXPERIMENT,
                            row.getString(1),
                            row.getString(0),
                            row.getString(2),
                            row.getDouble(5),
                            row.getDouble(6),
                            row.getLong(3),
                            row.getLong(4)),
                    TestSpark.session().sparkContext().hadoopConfiguration());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
