package org.mnistspark.results;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnistspark.TestSpark;

/**
 * {@code src/test/resources/results-v1/} is a results table written by version 0.1.0 (regenerate it
 * only for a new format version, never over an old one). Later versions must keep reading it: columns
 * may be added, never removed, renamed or retyped.
 */
class ResultsSchemaCompatibilityTest {
    static final Path FIXTURE = Paths.get("src/test/resources/results-v1");

    @TempDir
    Path dir;

    private final SparkSession spark = TestSpark.session();

    @Test
    void everyColumnOfVersionOneIsStillThereWithTheSameType() {
        assertStillPresent(
                spark.read().parquet(FIXTURE.resolve("trials").toString()).schema(), TrialRecord.SCHEMA);
        assertStillPresent(
                spark.read().parquet(FIXTURE.resolve("epochs").toString()).schema(), EpochRecord.SCHEMA);
    }

    /**
     * {@code src/test/resources/results-schema-2026-12/} holds the schemas the code wrote on 2026-12-07, before
     * the hyperparameters were declared in one place (Spark's JSON of {@code TrialRecord.SCHEMA} and
     * {@code EpochRecord.SCHEMA}, printed by that version). Every column there must still come first, in the
     * same order, with the same type and nullability: a new column (a new hyperparameter's) only goes after.
     */
    @Test
    void theSchemaOfDecember2026IsStillTheStartOfTodaysInOrder() throws IOException {
        Path pinned = Paths.get("src/test/resources/results-schema-2026-12");
        assertStartsWith(
                (StructType) DataType.fromJson(Files.readString(pinned.resolve("trials.json"))), TrialRecord.SCHEMA);
        assertStartsWith(
                (StructType) DataType.fromJson(Files.readString(pinned.resolve("epochs.json"))), EpochRecord.SCHEMA);
    }

    private static void assertStartsWith(StructType pinned, StructType current) {
        assertThat(current.fields().length).isGreaterThanOrEqualTo(pinned.fields().length);
        for (int i = 0; i < pinned.fields().length; i++) {
            assertThat(current.fields()[i]).as("column " + i).isEqualTo(pinned.fields()[i]);
        }
    }

    private static void assertStillPresent(StructType old, StructType current) {
        for (StructField field : old.fields()) {
            assertThat(current.fieldNames())
                    .as("column " + field.name() + " was removed")
                    .contains(field.name());
            // simpleString ignores nullability, which Parquet does not keep for array elements and map values.
            assertThat(current.apply(field.name()).dataType().simpleString())
                    .as("column " + field.name() + " changed type")
                    .isEqualTo(field.dataType().simpleString());
        }
    }

    @Test
    void versionOneRowsReadBackNextToNewOnes() throws IOException {
        copy(FIXTURE, dir);
        ResultsTable table = new ResultsTable(spark, dir.toString());
        TrialRecord fresh = Records.trial("now", "t-new", "run-new", 10, List.of(0.95, 0.97));
        table.commit(fresh, Records.epochs(fresh));
        table.registerViews();

        Row old = spark.sql("SELECT trial_id, hidden_channels, test_accuracy_last, test_correct_last, "
                        + "dataset_sha256['train-images-idx3-ubyte'] FROM trials WHERE experiment = 'fixture-v1'")
                .collectAsList()
                .get(0);
        assertThat(old.getString(0)).isEqualTo("v1-trial");
        assertThat(old.getInt(1)).isEqualTo(10);
        assertThat(old.getDouble(2)).isEqualTo(0.9691);
        assertThat(old.getLong(3)).isEqualTo(9691L);
        assertThat(old.getString(4)).isEqualTo("ba89");
        assertThat(spark.sql("SELECT * FROM trials").count()).isEqualTo(2);
        assertThat(spark.sql("SELECT * FROM epochs").count()).isEqualTo(4);
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
    }
}
