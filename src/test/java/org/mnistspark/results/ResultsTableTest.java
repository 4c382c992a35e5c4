package org.mnistspark.results;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnistspark.TestSpark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.mnistspark.TestFiles.listing;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResultsTableTest {
    @TempDir
    Path dir;

    private final SparkSession spark = TestSpark.session();

    @Test
    void committedTrialReadsBackWithSparkSql() throws IOException {
        ResultsTable table = new ResultsTable(spark, dir.toString());
        TrialRecord trial = Records.trial("exp", "t1", "run-1", 10, List.of(0.9512, 0.9688));
        table.commit(trial, Records.epochs(trial), false);
        table.registerViews();

        Row row = spark.sql("SELECT trial_id, hidden_channels, test_accuracy, test_accuracy_min, test_accuracy_max, "
                + "test_accuracy_avg, test_accuracy_last, test_correct_last, dataset_sha256['train-images-idx3-ubyte'], "
                + "started_at FROM trials WHERE experiment = 'exp'").collectAsList().get(0);
        assertEquals("t1", row.getString(0));
        assertEquals(10, row.getInt(1));
        assertEquals(List.of(0.9512, 0.9688), row.getList(2));
        assertEquals(0.9512, row.getDouble(3));
        assertEquals(0.9688, row.getDouble(4));
        assertEquals((0.9512 + 0.9688) / 2, row.getDouble(5), 1e-12);
        assertEquals(0.9688, row.getDouble(6));
        assertEquals(9688L, row.getLong(7));
        assertEquals("ba89", row.getString(8));
        assertEquals(java.sql.Timestamp.from(trial.startedAt()), row.getTimestamp(9));
        assertEquals(2L, spark.sql("SELECT * FROM epochs WHERE trial_id = 't1'").count());
        assertEquals(Set.of("t1"), table.committedTrialIds("exp"));
        assertEquals(Set.of(), table.committedTrialIds("other"));
        assertTrue(listing(dir.resolve(ResultsTable.STAGING)).isEmpty(), "staging is cleaned up");
    }

    @Test
    void emptyTableReadsAsNoRows() throws IOException {
        ResultsTable table = new ResultsTable(spark, dir.resolve("none").toString());
        assertEquals(0, table.trials().count());
        assertEquals(0, table.epochs().count());
        assertEquals(Set.of(), table.committedTrialIds("exp"));
    }

    @Test
    void rerunReplacesTheEarlierRunOfTheSameTrialOnly() throws IOException {
        ResultsTable table = new ResultsTable(spark, dir.resolve("results").toString());
        Path models = Files.createDirectories(dir.resolve("models"));
        List<Path> model = new ArrayList<>();
        for (String run : List.of("t1-run-1", "t2-run-2", "t1-run-3")) {
            model.add(Files.writeString(models.resolve(run + ".zip"), run));
        }
        TrialRecord first = Records.trial("exp", "t1", "run-1", 10, List.of(0.95), model.get(0).toUri().toString());
        TrialRecord other = Records.trial("exp", "t2", "run-2", 5, List.of(0.94), model.get(1).toUri().toString());
        TrialRecord again = Records.trial("exp", "t1", "run-3", 10, List.of(0.96), model.get(2).toUri().toString());
        table.commit(first, Records.epochs(first), false);
        table.commit(other, Records.epochs(other), false);
        table.commit(again, Records.epochs(again), true);
        List<String> runs = table.trials().orderBy("run_id").select("run_id").as(
                org.apache.spark.sql.Encoders.STRING()).collectAsList();
        assertEquals(List.of("run-2", "run-3"), runs);
        assertEquals(2, table.epochs().count());
        assertEquals(List.of(false, true, true), model.stream().map(Files::exists).toList(),
                "the replaced run's model goes with its row; the others stay");
    }

    @Test
    void twoWritersAtOnceKeepEveryRow() throws Exception {
        Records.commitFromTwoWritersAtOnce(spark, dir.toString(), "exp-", 6);
        ResultsTable tableA = new ResultsTable(spark, dir.toString());
        assertEquals(12, tableA.trials().count());
        assertEquals(24, tableA.epochs().count());
        assertEquals(6, tableA.committedTrialIds("exp-a").size());
        assertEquals(6, tableA.committedTrialIds("exp-b").size());
    }

    @Test
    void failedCommitLeavesNoRowsAndKeepsEarlierOnes() throws IOException {
        ResultsTable table = new ResultsTable(spark, dir.toString());
        TrialRecord good = Records.trial("exp", "t1", "run-1", 10, List.of(0.95));
        table.commit(good, Records.epochs(good), false);
        List<String> before = listing(dir.resolve("trials"));

        // Make the trials folder unusable: the new row cannot be moved into place.
        Path trials = dir.resolve("trials");
        Path aside = dir.resolve("trials-aside");
        Files.move(trials, aside);
        Files.writeString(trials, "not a folder");
        TrialRecord doomed = Records.trial("exp", "t2", "run-2", 5, List.of(0.9));
        assertThrows(IOException.class, () -> table.commit(doomed, Records.epochs(doomed), false));
        Files.delete(trials);
        Files.move(aside, trials);

        assertEquals(before, listing(dir.resolve("trials")));
        assertEquals(Set.of("t1"), table.committedTrialIds("exp"));
        assertEquals(1, table.epochs().count());
        assertEquals(1, listing(dir.resolve("epochs")).stream().filter(f -> f.endsWith(".parquet")).count(),
                "the failed trial's epochs file is removed again");
        assertTrue(listing(dir.resolve(ResultsTable.STAGING)).isEmpty());
    }

    @Test
    void unwritableLocationIsReportedUpFrontWithItsPath() throws IOException {
        Path file = dir.resolve("a-file");
        Files.writeString(file, "not a folder");
        ResultsTable table = new ResultsTable(spark, file.resolve("results").toString());
        IOException e = assertThrows(IOException.class, table::checkWritable);
        assertTrue(e.getMessage().contains(file.resolve("results").toString()) && e.getMessage().contains("not writable"),
                e.getMessage());
        new ResultsTable(spark, dir.resolve("fine").toString()).checkWritable();
        assertTrue(listing(dir.resolve("fine").resolve(ResultsTable.STAGING)).isEmpty(), "the probe is removed");
    }
}
