package org.mnistspark.tune;

import org.apache.spark.sql.SparkSession;
import org.mnistspark.TestSpark;
import org.mnistspark.cli.CliAccess;
import org.mnistspark.storage.FaultyFileSystem;

/**
 * A separate JVM that runs the job's command line (args) on a Spark that knows the {@code faulty://}
 * scheme, for a tuning job killed where {@code -Dfaulty.fail} says; exits with the command's code.
 */
public final class TuneInChildJvm {
    private TuneInChildJvm() {}

    public static void main(String[] args) {
        SparkSession spark = TestSpark.session(FaultyFileSystem.settings());
        // Printed as it goes (a halted JVM prints nothing after the halt).
        int exitCode = CliAccess.run(args, () -> spark, System.out, System.err);
        spark.stop();
        System.exit(exitCode);
    }
}
