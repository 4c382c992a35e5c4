package org.mnistspark.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnistspark.TestSpark;
import org.mnistspark.report.ResultViews;
import org.mnistspark.results.Records;
import org.mnistspark.results.ResultsTable;
import org.mnistspark.results.TrialRecord;

/**
 * On an exact tie (same test accuracy and test loss), {@code predict best:}, the report's best trial,
 * {@code query}'s best configuration per experiment and the report's list of trials all name the same
 * trial: the one order of "best" breaks the tie by trial_id. Shuffle partitions are not coalesced here, as
 * on a cluster whose table is too large for one: then the tied trial with the greater id, t-b, comes first
 * out of the shuffle that picks each trial's latest run (t-a hashes to the second of the tests' two
 * partitions), and an order without the full tie-break picks it.
 */
class BestTrialTieTest {
    private final SparkSession spark = TestSpark.session();

    @Test
    void predictBestAndTheReportPickTheSameTrialOnAnExactTie(@TempDir Path dir) throws Exception {
        String coalesce = "spark.sql.adaptive.coalescePartitions.enabled";
        String was = spark.conf().get(coalesce);
        spark.conf().set(coalesce, "false");
        try {
            pickTheSameTrial(dir);
        } finally {
            spark.conf().set(coalesce, was);
        }
    }

    private void pickTheSameTrial(Path dir) throws Exception {
        ResultsTable table = new ResultsTable(spark, dir.toString());
        TrialRecord later = Records.trial("tie", "t-b", "run-b", 10, List.of(0.5, 0.97), "file:/models/b.zip");
        TrialRecord earlier = Records.trial("tie", "t-a", "run-a", 10, List.of(0.97), "file:/models/a.zip");
        TrialRecord worse = Records.trial("tie", "t-m", "run-m", 10, List.of(0.96), "file:/models/m.zip");
        for (TrialRecord trial : List.of(later, worse, earlier)) {
            table.commit(trial, Records.epochs(trial));
        }
        assertThat(later.outcome().testAccuracyLast())
                .isEqualTo(earlier.outcome().testAccuracyLast());
        assertThat(later.outcome().testLossLast()).isEqualTo(earlier.outcome().testLossLast());

        String predicted = ModelSelection.parse("best:tie").resolve(table).trialId();
        ResultViews views = ResultViews.of(spark, dir.toString());
        Row reported = views.bestTrial("tie").orElseThrow();
        Row queried = views.bestPerExperiment().collectAsList().get(0);
        Row listedFirst = views.trials("tie").first();

        assertThat(reported.<String>getAs("trial_id"))
                .as("the report's best trial")
                .isEqualTo("t-a");
        assertThat(predicted)
                .as("predict best:, beside the report's best trial")
                .isEqualTo("t-a");
        assertThat(queried.<String>getAs("trial_id"))
                .as("query's best per experiment")
                .isEqualTo("t-a");
        assertThat(listedFirst.<String>getAs("trial_id"))
                .as("the report's trials, best first")
                .isEqualTo("t-a");
    }
}
