package org.mnistspark.results;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.mnistspark.TestFiles.listing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnistspark.TestSpark;

class ResultsTableTest {
    @TempDir
    Path dir;

    private final SparkSession spark = TestSpark.session();

    @Test
    void committedTrialReadsBackWithSparkSql() throws IOException {
        ResultsTable table = new ResultsTable(spark, dir.toString());
        TrialRecord trial = Records.trial("exp", "t1", "run-1", 10, List.of(0.9512, 0.9688));
        table.commit(trial, Records.epochs(trial));
        table.registerViews();

        Row row = spark.sql("SELECT trial_id, hidden_channels, test_accuracy, test_accuracy_min, test_accuracy_max, "
                        + "test_accuracy_avg, test_accuracy_last, test_correct_last, dataset_sha256['train-images-idx3-ubyte'], "
                        + "started_at FROM trials WHERE experiment = 'exp'")
                .collectAsList()
                .get(0);
        assertThat(row.getString(0)).isEqualTo("t1");
        assertThat(row.getInt(1)).isEqualTo(10);
        assertThat(row.<Double>getList(2)).containsExactly(0.9512, 0.9688);
        assertThat(row.getDouble(3)).isEqualTo(0.9512);
        assertThat(row.getDouble(4)).isEqualTo(0.9688);
        assertThat(row.getDouble(5)).isCloseTo((0.9512 + 0.9688) / 2, within(1e-12));
        assertThat(row.getDouble(6)).isEqualTo(0.9688);
        assertThat(row.getLong(7)).isEqualTo(9688L);
        assertThat(row.getString(8)).isEqualTo("ba89");
        assertThat(row.getTimestamp(9))
                .isEqualTo(java.sql.Timestamp.from(trial.outcome().startedAt()));
        assertThat(spark.sql("SELECT * FROM epochs WHERE trial_id = 't1'").count())
                .isEqualTo(2L);
        assertThat(table.committedTrialIds("exp")).containsExactly("t1");
        assertThat(table.committedTrialIds("other")).isEmpty();
        assertThat(listing(dir.resolve(ResultsTable.STAGING)))
                .as("staging is cleaned up")
                .isEmpty();
    }

    @Test
    void confusionsAndPerClassMetricsComeExactlyFromTheCounts() throws IOException {
        ResultsTable table = new ResultsTable(spark, dir.toString());
        TrialRecord trial = Records.trial("exp", "t1", "run-1", 10, List.of(0.95));
        EpochRecord epoch = Records.epochs(trial).get(0);
        long[][] counts = epoch.confusion();
        counts[3][3] -= 7; // seven 3s taken for 8s
        counts[3][8] += 7;
        table.commit(trial, List.of(epoch));
        table.registerViews();

        assertThat(spark.sql("SELECT sum(count) FROM confusions").first().getLong(0))
                .isEqualTo(10_000);
        assertThat(spark.sql("SELECT count FROM confusions WHERE true_label = 3 AND predicted_label = 8")
                        .first()
                        .getLong(0))
                .isEqualTo(7);
        Row three = spark.sql("SELECT precision, recall, f1, correct, actual, predicted FROM classes WHERE label = 3")
                .first();
        assertThat(three.getLong(3)).isEqualTo(943);
        assertThat(three.getLong(4)).isEqualTo(1000);
        assertThat(three.getLong(5)).as("950 right, 50 of the 2s").isEqualTo(943 + 50);
        assertThat(three.getDouble(0)).isEqualTo(943.0 / 993);
        assertThat(three.getDouble(1)).isEqualTo(943.0 / 1000);
        assertThat(three.getDouble(2))
                .isCloseTo(2 * (943.0 / 993) * (943.0 / 1000) / (943.0 / 993 + 943.0 / 1000), within(1e-15));
        Row eight = spark.sql("SELECT precision, recall FROM classes WHERE label = 8")
                .first();
        assertThat(eight.getDouble(0)).isEqualTo(950.0 / (950 + 50 + 7));
        assertThat(spark.sql("SELECT * FROM classes").count()).isEqualTo(10);
    }

    /**
     * "Committed", one definition for a sweep's skip and a tuning job's rung: the trial's latest run did not
     * fail. A diverged run is a result; a failed one records an attempt, and a later run replaces it.
     */
    @Test
    void aTrialIsCommittedWhenItsLatestRunDidNotFail() throws IOException {
        ResultsTable table = new ResultsTable(spark, dir.toString());
        table.commit(Records.trial("exp", "diverged", "run-d", 10, List.of(0.1), null, Status.DIVERGED), List.of());
        table.commit(Records.trial("exp", "failed", "run-f", 10, List.of(0.1), null, Status.FAILED), List.of());
        table.commit(
                Records.trial("exp", "failed-then-ok", "run-f2", 10, List.of(0.1), null, Status.FAILED), List.of());
        TrialRecord ok = Records.rerun(
                Records.trial("exp", "failed-then-ok", "run-ok", 10, List.of(0.9)),
                java.time.Instant.parse("2026-11-22T08:00:00Z"));
        table.commit(ok, Records.epochs(ok));
        table.commit(Records.trial("exp", "ok-then-failed", "run-ok2", 10, List.of(0.9)), List.of());
        table.commit(
                Records.rerun(
                        Records.trial("exp", "ok-then-failed", "run-f3", 10, List.of(0.1), null, Status.FAILED),
                        java.time.Instant.parse("2026-11-22T08:00:00Z")),
                List.of());

        assertThat(table.committedTrialIds("exp")).containsExactlyInAnyOrder("diverged", "failed-then-ok");
        for (String trial : List.of("diverged", "failed", "failed-then-ok", "ok-then-failed", "none")) {
            assertThat(table.isCommitted("exp", trial))
                    .as(trial)
                    .isEqualTo(table.committedTrialIds("exp").contains(trial));
        }
        assertThat(table.isCommitted("other", "diverged")).isFalse();
    }

    @Test
    void emptyTableReadsAsNoRows() throws IOException {
        ResultsTable table = new ResultsTable(spark, dir.resolve("none").toString());
        assertThat(table.trials().count()).isZero();
        assertThat(table.epochs().count()).isZero();
        assertThat(table.committedTrialIds("exp")).isEmpty();
    }

    /**
     * A rerun adds a run and deletes nothing (another sweep may be writing beside it): the views show the
     * latest run of each trial, a plain read every run, and vacuum removes the superseded run, its epoch
     * rows and its model.
     */
    @Test
    void aRerunAddsARunTheViewsShowTheLatestAndVacuumRemovesTheSuperseded() throws IOException {
        ResultsTable table = new ResultsTable(spark, dir.resolve("results").toString());
        Path models = Files.createDirectories(dir.resolve("models"));
        List<Path> model = new ArrayList<>();
        for (String run : List.of("t1-run-9", "t2-run-2", "t1-run-1")) {
            model.add(Files.writeString(models.resolve(run + ".zip"), run));
        }
        TrialRecord first = Records.trial(
                "exp", "t1", "run-9", 10, List.of(0.95), model.get(0).toUri().toString());
        TrialRecord other = Records.trial(
                "exp", "t2", "run-2", 5, List.of(0.94), model.get(1).toUri().toString());
        // Later, though its run id sorts first: the latest is the last finished.
        TrialRecord again = Records.rerun(
                Records.trial(
                        "exp",
                        "t1",
                        "run-1",
                        10,
                        List.of(0.96),
                        model.get(2).toUri().toString()),
                java.time.Instant.parse("2026-11-22T08:00:00Z"));
        for (TrialRecord run : List.of(first, other, again)) {
            table.commit(run, Records.epochs(run));
        }
        assertThat(table.trials()
                        .orderBy("run_id")
                        .select("run_id")
                        .as(org.apache.spark.sql.Encoders.STRING())
                        .collectAsList())
                .containsExactly("run-1", "run-2");
        assertThat(table.epochs().count()).isEqualTo(2);
        assertThat(table.allRuns().count())
                .as("the superseded run stays on storage")
                .isEqualTo(3);
        assertThat(spark.read()
                        .parquet(dir.resolve("results/trials").toString())
                        .count())
                .isEqualTo(3);
        assertThat(model).as("no model is deleted by a commit").allMatch(Files::exists);

        Vacuum.Result vacuumed = new Vacuum(table, spark.sparkContext().hadoopConfiguration())
                .run(models.toString(), java.time.Duration.ofHours(1), false);
        assertThat(vacuumed.supersededRuns()).singleElement().asString().endsWith("trial-t1-run-9.parquet");
        assertThat(table.allRuns().count()).isEqualTo(2);
        assertThat(table.allEpochRows().count()).isEqualTo(2);
        assertThat(model)
                .as("the superseded run's model goes; the others stay")
                .extracting(Files::exists)
                .containsExactly(false, true, true);
    }

    @Test
    void vacuumRemovesModelsNoRowNamesOnlyOnceTheyAreOld() throws IOException {
        ResultsTable table = new ResultsTable(spark, dir.resolve("results").toString());
        Path models = Files.createDirectories(dir.resolve("models/exp"));
        Path named = Files.writeString(models.resolve("t1-run-1.zip"), "kept");
        Path orphan = Files.writeString(models.resolve("t1-run-0.zip"), "a model whose commit failed");
        TrialRecord trial = Records.trial(
                "exp", "t1", "run-1", 10, List.of(0.95), named.toUri().toString());
        table.commit(trial, Records.epochs(trial));
        Vacuum vacuum = new Vacuum(table, spark.sparkContext().hadoopConfiguration());

        assertThat(vacuum.run(dir.resolve("models").toString(), java.time.Duration.ofHours(1), false)
                        .orphanModels())
                .as("young: a sweep may be about to commit it")
                .isEmpty();
        assertThat(vacuum.run(dir.resolve("models").toString(), java.time.Duration.ZERO, true)
                        .orphanModels())
                .as("a dry run names it")
                .singleElement()
                .asString()
                .endsWith("t1-run-0.zip");
        assertThat(orphan).exists();
        assertThat(vacuum.run(dir.resolve("models").toString(), java.time.Duration.ZERO, false)
                        .orphanModels())
                .hasSize(1);
        assertThat(orphan).doesNotExist();
        assertThat(named).exists();
    }

    @Test
    void aFolderThatIsNotThisJobsTableIsRefusedBeforeAnyWrite() throws IOException {
        Path other = dir.resolve("other");
        spark.range(3).toDF("id").write().parquet(other.resolve("trials").toString());
        assertThatThrownBy(() -> new ResultsTable(spark, other.toString()).checkUsable())
                .isInstanceOf(InvalidTableException.class)
                .hasMessageContaining("not a mnist-spark results table")
                .hasMessageContaining("has no experiment column");
        Path notParquet = Files.createDirectories(dir.resolve("text/trials"));
        Files.writeString(notParquet.resolve("notes.parquet"), "not parquet at all");
        assertThatThrownBy(() -> new ResultsTable(spark, dir.resolve("text").toString()).checkUsable())
                .isInstanceOf(InvalidTableException.class)
                .hasMessageContaining("cannot be read as Parquet");
        Path typed = dir.resolve("typed");
        spark.sql("SELECT 'e' AS experiment, 't' AS trial_id, 'r' AS run_id, 'ten' AS hidden_channels")
                .write()
                .parquet(typed.resolve("trials").toString());
        assertThatThrownBy(() -> new ResultsTable(spark, typed.toString()).checkUsable())
                .isInstanceOf(InvalidTableException.class)
                .hasMessageContaining("hidden_channels");
        assertThat(dir.resolve("other/_staging")).as("nothing written").doesNotExist();
    }

    @Test
    void twoWritersAtOnceKeepEveryRow() throws Exception {
        Records.commitFromTwoWritersAtOnce(spark, dir.toString(), "exp-", 6);
        ResultsTable tableA = new ResultsTable(spark, dir.toString());
        assertThat(tableA.trials().count()).isEqualTo(12);
        assertThat(tableA.epochs().count()).isEqualTo(24);
        assertThat(tableA.committedTrialIds("exp-a")).hasSize(6);
        assertThat(tableA.committedTrialIds("exp-b")).hasSize(6);
    }

    @Test
    void failedCommitLeavesNoRowsAndKeepsEarlierOnes() throws IOException {
        ResultsTable table = new ResultsTable(spark, dir.toString());
        TrialRecord good = Records.trial("exp", "t1", "run-1", 10, List.of(0.95));
        table.commit(good, Records.epochs(good));
        List<String> before = listing(dir.resolve("trials"));

        // Make the trials folder unusable: the new row cannot be moved into place.
        Path trials = dir.resolve("trials");
        Path aside = dir.resolve("trials-aside");
        Files.move(trials, aside);
        Files.writeString(trials, "not a folder");
        TrialRecord doomed = Records.trial("exp", "t2", "run-2", 5, List.of(0.9));
        assertThatThrownBy(() -> table.commit(doomed, Records.epochs(doomed))).isInstanceOf(IOException.class);
        Files.delete(trials);
        Files.move(aside, trials);

        assertThat(listing(dir.resolve("trials"))).isEqualTo(before);
        assertThat(table.committedTrialIds("exp")).containsExactly("t1");
        assertThat(table.epochs().count()).isEqualTo(1);
        assertThat(listing(dir.resolve("epochs")))
                .as("the failed trial's epochs file is removed again")
                .filteredOn(f -> f.endsWith(".parquet"))
                .hasSize(1);
        assertThat(listing(dir.resolve(ResultsTable.STAGING))).isEmpty();
    }

    @Test
    void unwritableLocationIsReportedUpFrontWithItsPath() throws IOException {
        Path file = dir.resolve("a-file");
        Files.writeString(file, "not a folder");
        ResultsTable table = new ResultsTable(spark, file.resolve("results").toString());
        assertThatThrownBy(table::checkUsable)
                .isInstanceOf(IOException.class)
                .hasMessageContaining(file.resolve("results").toString())
                .hasMessageContaining("not writable");
        new ResultsTable(spark, dir.resolve("fine").toString()).checkUsable();
        assertThat(listing(dir.resolve("fine").resolve(ResultsTable.STAGING)))
                .as("the probe is removed")
                .isEmpty();
    }
}
