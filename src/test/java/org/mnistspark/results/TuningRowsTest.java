package org.mnistspark.results;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnistspark.TestSpark;

/**
 * A tuning job's rungs as rows of the trials table: the rungs view (promoted or not), the compute each
 * experiment spent (a promoted configuration's earlier epochs counted once), and the named queries'
 * views, on hand-made rows beside a grid sweep's.
 */
class TuningRowsTest {
    @TempDir
    Path dir;

    private final SparkSession spark = TestSpark.session();

    private static TrialRecord rung(
            int configuration, int rung, Status status, List<Double> accuracy, int epochsTrained, String resumedFrom) {
        return Records.rung("job", configuration, rung, status, accuracy, epochsTrained, resumedFrom);
    }

    @Test
    void rungsComputeAndTheTuningViewsReadTheJobsRows() throws IOException {
        ResultsTable table = new ResultsTable(spark, dir.toString());
        TrialRecord grid = Records.trial("grid", "g1", "run-g1", 20, List.of(0.95, 0.97));
        table.commit(grid, Records.epochs(grid));
        // Three configurations of 1 epoch; the best (2) goes on to 3 epochs from its model.
        List<TrialRecord> rows = List.of(
                rung(1, 0, Status.STOPPED, List.of(0.95), 1, null),
                rung(2, 0, Status.STOPPED, List.of(0.97), 1, null),
                rung(3, 0, Status.DIVERGED, List.of(0.10), 1, null),
                rung(2, 1, Status.SUCCEEDED, List.of(0.97, 0.98, 0.99), 2, "run-c2r0"));
        for (TrialRecord row : rows) {
            List<EpochRecord> epochs = Records.epochs(row);
            table.commit(row, epochs.subList(epochs.size() - row.tuning().epochsTrained(), epochs.size()));
        }
        TrialRecord failed = TrialRecord.failed(
                "job",
                "c4r0",
                "run-c4r0",
                rows.get(0).spec(),
                32,
                new TrialRecord.Setup(0, 10_000, 0.1307, 0.3081),
                new TrialRecord.Provenance("file:/data/mnist", grid.provenance().datasetSha256(), "local[2]", "test"),
                Instant.now().minusMillis(1500),
                new TrialRecord.Tuning("job", 4, 0, 1, null));
        table.commit(failed, List.of()); // a failed rung: its row alone, no epochs
        table.registerViews();

        assertThat(spark.sql("SELECT configuration, rung, epochs, epochs_trained, status, promoted, resumed_from "
                                + "FROM rungs ORDER BY rung, configuration")
                        .collectAsList())
                .extracting(Row::toString)
                .containsExactly(
                        "[1,0,1,1,stopped,false,null]",
                        "[2,0,1,1,stopped,true,null]",
                        "[3,0,1,1,diverged,false,null]",
                        "[4,0,1,0,failed,false,null]",
                        "[2,1,3,2,succeeded,false,run-c2r0]");
        assertThat(spark.sql("SELECT count(*) FROM epochs WHERE experiment = 'job'")
                        .first()
                        .getLong(0))
                .as("each epoch once: 3 rung-0 epochs and the 2 of rung 1")
                .isEqualTo(5);

        assertThat(spark.sql("SELECT experiment, kind, configurations, runs, epochs_trained, best_test_accuracy "
                                + "FROM compute ORDER BY experiment")
                        .collectAsList())
                .extracting(Row::toString)
                .containsExactly("[grid,grid,1,1,2,0.97]", "[job,tuning,4,5,5,0.99]");

        Row best = spark.sql("SELECT tuning_job, best_configuration, best_rung, best_epochs, best_test_accuracy, "
                        + "epochs_trained, configurations FROM tuning")
                .first();
        assertThat(best.toString()).isEqualTo("[job,2,1,3,0.99,5,4]");

        assertThat(spark.sql("SELECT configuration, accuracy_by_epochs, epochs_reached, epochs_trained, status "
                                + "FROM tuning_configurations ORDER BY configuration")
                        .collectAsList())
                .extracting(Row::toString)
                .containsExactly(
                        "[1,1:0.9500,1,1,stopped]",
                        "[2,1:0.9700 3:0.9900,3,3,succeeded]",
                        "[3,1:0.1000,1,1,diverged]",
                        "[4,1:NaN,1,0,failed]");
        assertThat(spark.sql("SELECT rung, epochs, configurations, promoted, best_test_accuracy, epochs_trained "
                                + "FROM tuning_rungs ORDER BY rung")
                        .collectAsList())
                .extracting(Row::toString)
                .containsExactly("[0,1,4,1,0.97,3]", "[1,3,1,0,0.99,2]");
    }
}
