package org.mnistspark.storage;

import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.mnistspark.TestSpark;
import org.mnistspark.results.Records;
import org.mnistspark.results.ResultsTable;
import org.mnistspark.results.TrialRecord;

/** A separate JVM that commits one trial run to the table at args[0], for faults that end the JVM. */
public final class CommitInChildJvm {
    private CommitInChildJvm() {}

    public static void main(String[] args) throws Exception {
        SparkSession spark = TestSpark.session(FaultyFileSystem.settings());
        TrialRecord trial = Records.trial("exp", "t-child", "run-child", 7, List.of(0.93));
        new ResultsTable(spark, args[0]).commit(trial, Records.epochs(trial));
        spark.stop();
        System.exit(0);
    }
}
