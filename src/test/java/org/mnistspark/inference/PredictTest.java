package org.mnistspark.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.mnistspark.TestFiles.listing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnistspark.Cli;
import org.mnistspark.TestSpark;
import org.mnistspark.data.MnistDataset;
import org.mnistspark.data.MnistImages;
import org.mnistspark.results.Records;
import org.mnistspark.results.ResultsTable;
import org.mnistspark.results.Status;
import org.mnistspark.results.TrialRecord;

/**
 * The predict command on the tests' local[2] Spark with a model a tiny real sweep trained
 * ({@link TinySweep}): exact agreement with the trial's recorded test result, the output table, its
 * replacement on a second run, Parquet input, and every kind of bad input exiting with its code and
 * leaving nothing behind.
 */
class PredictTest {
    private final SparkSession spark = TestSpark.session();

    private static Cli.Result predict(String... args) {
        List<String> command = new ArrayList<>(List.of("predict", "--results", TinySweep.results()));
        command.addAll(Arrays.asList(args));
        return Cli.run(command.toArray(String[]::new));
    }

    private static MnistImages testImages(int count) throws IOException {
        return MnistDataset.load(
                        TestSpark.mnistDir().toString(),
                        TestSpark.session().sparkContext().hadoopConfiguration())
                .test()
                .first(count);
    }

    @Test
    void theTrialsOwnTestImagesGiveExactlyItsRecordedCorrectCount(@TempDir Path dir) {
        Row trial = TinySweep.trial();
        Path output = dir.resolve("predictions/day-1");
        Cli.Result result = predict(
                "--model",
                "best:" + TinySweep.EXPERIMENT,
                "--images",
                TestSpark.mnistDir().toString(),
                "--output",
                output.toString(),
                "--limit",
                "" + TinySweep.TEST_LIMIT);
        System.out.print(result.out());
        assertThat(result.exitCode()).as(result.err()).isZero();
        long recorded = trial.getLong(3);
        assertThat(trial.getLong(4)).isEqualTo(TinySweep.TEST_LIMIT);
        assertThat(result.out())
                .contains("accuracy " + recorded + "/" + TinySweep.TEST_LIMIT + " = ")
                .contains("confusion matrix")
                .contains("images/s");

        Dataset<Row> table = spark.read().parquet(output.toString());
        assertThat(table.columns())
                .containsExactly(
                        "index", "predicted_label", "probabilities", "true_label", "run_id", "trial_id", "experiment");
        assertThat(table.count()).isEqualTo(TinySweep.TEST_LIMIT);
        assertThat(table.where("predicted_label = true_label").count()).isEqualTo(recorded);
        assertThat(table.select("index").distinct().count()).isEqualTo(TinySweep.TEST_LIMIT);
        assertThat(table.agg(org.apache.spark.sql.functions.min("index"), org.apache.spark.sql.functions.max("index"))
                        .first()
                        .toSeq()
                        .mkString(","))
                .isEqualTo("0," + (TinySweep.TEST_LIMIT - 1));
        for (Row row : table.orderBy("index").limit(20).collectAsList()) {
            List<Float> probabilities = row.getList(2);
            assertThat(probabilities).hasSize(10);
            assertThat(probabilities.stream().mapToDouble(Float::doubleValue).sum())
                    .isCloseTo(1.0, within(1e-4));
            float max = probabilities.stream().max(Float::compare).orElseThrow();
            assertThat(probabilities.indexOf(max)).isEqualTo(row.getInt(1));
            assertThat(row.getString(4)).isEqualTo(trial.getString(0));
            assertThat(row.getString(5)).isEqualTo(trial.getString(1));
            assertThat(row.getString(6)).isEqualTo(TinySweep.EXPERIMENT);
        }
        // The printed matrix sums to the images, its diagonal to the correct count.
        assertThat(matrixFrom(result.out())).satisfies(m -> {
            assertThat(Arrays.stream(m).flatMapToLong(Arrays::stream).sum()).isEqualTo(TinySweep.TEST_LIMIT);
            assertThat(java.util.stream.IntStream.range(0, 10)
                            .mapToLong(i -> m[i][i])
                            .sum())
                    .isEqualTo(recorded);
        });
        assertThat(output.resolve(AtomicOutput.MARKER)).isRegularFile();
    }

    @Test
    void aSecondRunReplacesTheOutputWholeAndRunOrTrialIdsSelectTheSameModel(@TempDir Path dir) throws Exception {
        Row trial = TinySweep.trial();
        Path output = dir.resolve("out");
        Cli.Result first = predict(
                "--model",
                trial.getString(0),
                "--images",
                TestSpark.mnistDir().toString(),
                "--output",
                output.toString(),
                "--limit",
                "300");
        assertThat(first.exitCode()).as(first.err()).isZero();
        List<String> firstFiles = listing(output);
        List<Row> firstRows =
                spark.read().parquet(output.toString()).orderBy("index").collectAsList();

        Cli.Result second = predict(
                "--model",
                trial.getString(1),
                "--images",
                TestSpark.mnistDir().toString(),
                "--output",
                output.toString(),
                "--limit",
                "300",
                "--batch-size",
                "64",
                "--partitions",
                "3");
        assertThat(second.exitCode()).as(second.err()).isZero();
        List<Row> secondRows =
                spark.read().parquet(output.toString()).orderBy("index").collectAsList();
        assertThat(listing(output))
                .as("new files, none of the first run's parts left")
                .doesNotContainAnyElementsOf(
                        firstFiles.stream().filter(f -> f.startsWith("part-")).toList());
        assertThat(secondRows).hasSize(300);
        for (int i = 0; i < 300; i++) {
            assertThat(secondRows.get(i).getInt(1)).isEqualTo(firstRows.get(i).getInt(1));
        }
        assertThat(listing(dir)).as("no staging or replaced folders left").containsExactly("out");
    }

    @Test
    void aParquetTableOfBinaryPixelsIsPredictedAsTheModelPredictsItsImages(@TempDir Path dir) throws Exception {
        MnistImages images = testImages(200);
        Path input = dir.resolve("mine");
        writeTable(
                input,
                DataTypes.BinaryType,
                i -> Arrays.copyOfRange(images.pixels(), i * 784, (i + 1) * 784),
                images,
                true);
        Path output = dir.resolve("out");
        Cli.Result result = predict(
                "--model", TinySweep.trial().getString(0), "--images", input.toString(), "--output", output.toString());
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).contains("accuracy ").contains("/200 = ");

        float[][] expected = TinySweep.model().probabilities(Arrays.copyOf(images.pixels(), 200 * 784), 200);
        Dataset<Row> table = spark.read().parquet(output.toString());
        assertThat(table.columns())
                .containsExactly(
                        "id", "predicted_label", "probabilities", "true_label", "run_id", "trial_id", "experiment");
        List<Row> rows = table.collectAsList();
        assertThat(rows).hasSize(200);
        for (Row row : rows) {
            int i = Integer.parseInt(row.getString(0).substring("img-".length()));
            assertThat(row.getInt(1)).isEqualTo(DigitModel.argMax(expected[i]));
            assertThat(row.getInt(3)).isEqualTo(images.label(i));
            List<Float> probabilities = row.getList(2);
            for (int c = 0; c < 10; c++) {
                assertThat(probabilities.get(c)).isCloseTo(expected[i][c], within(1e-5f));
            }
        }
    }

    @Test
    void arraysOfIntegersOrSignedBytesWorkTooAndWithoutLabelsThereIsNoAccuracy(@TempDir Path dir) throws Exception {
        MnistImages images = testImages(50);
        int[] expected = new int[50];
        float[][] probabilities = TinySweep.model().probabilities(Arrays.copyOf(images.pixels(), 50 * 784), 50);
        for (int i = 0; i < 50; i++) {
            expected[i] = DigitModel.argMax(probabilities[i]);
        }
        IntFunction<Object> ints = i -> {
            List<Integer> values = new ArrayList<>();
            for (int p = 0; p < 784; p++) {
                values.add(images.pixels()[i * 784 + p] & 0xFF);
            }
            return values;
        };
        IntFunction<Object> bytes = i -> {
            List<Byte> values = new ArrayList<>();
            for (int p = 0; p < 784; p++) {
                values.add(images.pixels()[i * 784 + p]); // signed: 255 is -1
            }
            return values;
        };
        for (var kind : List.of(
                new Object[] {"ints", DataTypes.createArrayType(DataTypes.IntegerType), ints},
                new Object[] {"bytes", DataTypes.createArrayType(DataTypes.ByteType), bytes})) {
            Path input = dir.resolve("in-" + kind[0]);
            @SuppressWarnings("unchecked")
            IntFunction<Object> pixels = (IntFunction<Object>) kind[2];
            writeTable(input, (DataType) kind[1], pixels, images, false);
            Path output = dir.resolve("out-" + kind[0]);
            Cli.Result result = predict(
                    "--model",
                    "best:" + TinySweep.EXPERIMENT,
                    "--images",
                    input.toString(),
                    "--output",
                    output.toString());
            assertThat(result.exitCode()).as(result.err()).isZero();
            assertThat(result.out()).contains("no labels given");
            for (Row row : spark.read().parquet(output.toString()).collectAsList()) {
                int i = Integer.parseInt(row.getString(0).substring("img-".length()));
                assertThat(row.getInt(1)).as(kind[0] + " image " + i).isEqualTo(expected[i]);
                assertThat(row.isNullAt(3)).isTrue();
            }
        }
    }

    @Test
    void badSelectorsExitTwoWithoutStartingSpark(@TempDir Path dir) {
        for (String selector : List.of("best:", " ", "a b", "best:   ")) {
            Cli.Result result = Cli.run(
                    () -> {
                        throw new AssertionError("a malformed selector needs no Spark");
                    },
                    "predict",
                    "--model",
                    selector,
                    "--images",
                    TestSpark.mnistDir().toString(),
                    "--output",
                    dir.resolve("out").toString());
            assertThat(result.exitCode()).as(selector).isEqualTo(2);
            assertThat(result.err().lines().toList()).as(result.err()).hasSize(1);
            assertThat(result.err()).startsWith("error: --model");
        }
        assertThat(dir.resolve("out")).doesNotExist();
    }

    @Test
    void unknownRunsAndExperimentsExitTwoNamingThem(@TempDir Path dir) {
        Path output = dir.resolve("out");
        Cli.Result unknown = predict(
                "--model", "no-such-run", "--images", TestSpark.mnistDir().toString(), "--output", output.toString());
        assertOneLineError(unknown, 2, "no run_id or trial_id 'no-such-run'");
        Cli.Result noExperiment = predict(
                "--model",
                "best:nothing-here",
                "--images",
                TestSpark.mnistDir().toString(),
                "--output",
                output.toString());
        assertOneLineError(noExperiment, 2, "no experiment 'nothing-here'");
        assertThat(noExperiment.err()).contains(TinySweep.EXPERIMENT);
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void aDivergedTrialExitsTwoAndAGoneOrCorruptModelExitsOne(@TempDir Path dir) throws Exception {
        Path model = Path.of(java.net.URI.create(TinySweep.trial().getString(2)));
        Path corrupt = Files.writeString(dir.resolve("corrupt.zip"), "not a zip");
        ResultsTable table = new ResultsTable(spark, dir.resolve("results").toString());
        for (TrialRecord trial : List.of(
                Records.trial(
                        "broken",
                        "t-diverged",
                        "r-diverged",
                        10,
                        List.of(0.1),
                        model.toUri().toString(),
                        Status.DIVERGED),
                Records.trial(
                        "broken",
                        "t-gone",
                        "r-gone",
                        10,
                        List.of(0.9),
                        dir.resolve("gone.zip").toUri().toString()),
                Records.trial(
                        "broken",
                        "t-corrupt",
                        "r-corrupt",
                        10,
                        List.of(0.8),
                        corrupt.toUri().toString()),
                Records.trial(
                        "only-diverged",
                        "t-d2",
                        "r-d2",
                        10,
                        List.of(0.99),
                        model.toUri().toString(),
                        Status.DIVERGED))) {
            table.commit(trial, Records.epochs(trial));
        }
        Path output = dir.resolve("predictions/out");
        String[] common = {
            "--results",
            dir.resolve("results").toString(),
            "--images",
            TestSpark.mnistDir().toString(),
            "--output",
            output.toString()
        };
        assertOneLineError(run(common, "r-diverged"), 2, "diverged");
        assertOneLineError(run(common, "t-diverged"), 2, "diverged");
        assertOneLineError(run(common, "best:only-diverged"), 2, "has no succeeded trial");
        assertOneLineError(run(common, "r-gone"), 1, "gone.zip does not exist");
        assertOneLineError(run(common, "r-corrupt"), 1, "is not a DL4J model zip");
        assertThat(dir.resolve("predictions")).doesNotExist();
    }

    @Test
    void parquetWithoutTheColumnsOrWithWrongPixelsExitsTwoAndWritesNothing(@TempDir Path dir) throws Exception {
        MnistImages images = testImages(20);
        Path noPixels = dir.resolve("no-pixels");
        spark.createDataFrame(
                        List.of(RowFactory.create("a", 1)),
                        new StructType().add("id", DataTypes.StringType).add("label", DataTypes.IntegerType))
                .write()
                .parquet(noPixels.toString());
        Path shortImage = dir.resolve("short");
        writeTable(
                shortImage,
                DataTypes.BinaryType,
                i -> Arrays.copyOfRange(images.pixels(), i * 784, (i + 1) * 784 - (i == 13 ? 1 : 0)),
                images,
                true);
        Path outOfRange = dir.resolve("out-of-range");
        writeTable(
                outOfRange,
                DataTypes.createArrayType(DataTypes.IntegerType),
                i -> {
                    List<Integer> values = new ArrayList<>(java.util.Collections.nCopies(784, 0));
                    values.set(5, i == 7 ? 300 : 0);
                    return values;
                },
                images,
                false);
        Path text = dir.resolve("text");
        spark.createDataFrame(
                        List.of(RowFactory.create("a", "pixels")),
                        new StructType().add("id", DataTypes.StringType).add("pixels", DataTypes.StringType))
                .write()
                .parquet(text.toString());

        Path output = dir.resolve("predictions/out");
        assertOneLineError(
                predict("--model", "best:tiny", "--images", noPixels.toString(), "--output", output.toString()),
                2,
                "no pixel column 'pixels'");
        assertOneLineError(
                predict(
                        "--model",
                        "best:tiny",
                        "--images",
                        noPixels.toString(),
                        "--output",
                        output.toString(),
                        "--pixels-column",
                        "label",
                        "--id-column",
                        "key"),
                2,
                "no id column 'key'");
        assertOneLineError(
                predict("--model", "best:tiny", "--images", shortImage.toString(), "--output", output.toString()),
                2,
                "id = img-13: column 'pixels' holds 783 bytes");
        assertOneLineError(
                predict("--model", "best:tiny", "--images", outOfRange.toString(), "--output", output.toString()),
                2,
                "id = img-7: column 'pixels' has 300 at position 5");
        assertOneLineError(
                predict("--model", "best:tiny", "--images", text.toString(), "--output", output.toString()),
                2,
                "column 'pixels' of");
        assertThat(dir.resolve("predictions"))
                .as("nothing written, not even the parent folder")
                .doesNotExist();
    }

    @Test
    void anOutputThatIsNotAnEarlierPredictionOrOverlapsTheImagesIsLeftAlone(@TempDir Path dir) throws Exception {
        Path someonesData = Files.createDirectories(dir.resolve("data"));
        Files.writeString(someonesData.resolve("keep.txt"), "precious");
        assertOneLineError(
                predict(
                        "--model",
                        "best:tiny",
                        "--images",
                        TestSpark.mnistDir().toString(),
                        "--output",
                        someonesData.toString()),
                2,
                "is not an earlier predict output");
        assertThat(listing(someonesData)).containsExactly("keep.txt");
        assertOneLineError(
                predict(
                        "--model",
                        "best:tiny",
                        "--images",
                        TestSpark.mnistDir().toString(),
                        "--output",
                        TestSpark.mnistDir().resolve("predictions").toString()),
                2,
                "overlaps --images");
        assertThat(TestSpark.mnistDir().resolve("predictions")).doesNotExist();
        assertOneLineError(
                predict(
                        "--model",
                        "best:tiny",
                        "--images",
                        dir.resolve("absent").toString(),
                        "--output",
                        dir.resolve("out").toString()),
                1,
                "--images not found");
        assertThat(listing(dir)).containsExactly("data");
    }

    private static Cli.Result run(String[] common, String selector) {
        List<String> command = new ArrayList<>(List.of("predict", "--model", selector));
        command.addAll(Arrays.asList(common));
        return Cli.run(command.toArray(String[]::new));
    }

    private static void assertOneLineError(Cli.Result result, int exitCode, String message) {
        assertThat(result.exitCode()).as(result.err()).isEqualTo(exitCode);
        assertThat(result.err().lines().toList()).as(result.err()).hasSize(1);
        assertThat(result.err()).startsWith("error: ").contains(message);
    }

    /** A Parquet table of the images: id "img-<i>", pixels as given, a label column if asked. */
    private void writeTable(
            Path path, DataType pixelsType, IntFunction<Object> pixels, MnistImages images, boolean labels) {
        StructType schema = new StructType().add("id", DataTypes.StringType).add("pixels", pixelsType);
        if (labels) {
            schema = schema.add("label", DataTypes.IntegerType);
        }
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < images.count(); i++) {
            rows.add(
                    labels
                            ? RowFactory.create("img-" + i, pixels.apply(i), images.label(i))
                            : RowFactory.create("img-" + i, pixels.apply(i)));
        }
        spark.createDataFrame(rows, schema).repartition(3).write().parquet(path.toString());
    }

    /** The confusion matrix the command printed. */
    private static long[][] matrixFrom(String out) {
        long[][] matrix = new long[10][10];
        Matcher rows = Pattern.compile("(?m)^ {8}(\\d)((?: +\\d+){10})$").matcher(out);
        int found = 0;
        while (rows.find()) {
            String[] cells = rows.group(2).trim().split(" +");
            for (int c = 0; c < 10; c++) {
                matrix[Integer.parseInt(rows.group(1))][c] = Long.parseLong(cells[c]);
            }
            found++;
        }
        assertThat(found).as(out).isEqualTo(10);
        return matrix;
    }
}
