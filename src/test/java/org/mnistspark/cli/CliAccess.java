package org.mnistspark.cli;

import java.io.PrintStream;
import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;
import org.mnistspark.config.SweepConfig;

/** The command line's package-private entry points, for tests in other packages. */
public final class CliAccess {
    private CliAccess() {}

    public static int run(String[] args, Supplier<SparkSession> spark, PrintStream out, PrintStream err) {
        return MnistSpark.run(args, new MnistSpark.Context(spark, out, err));
    }

    /** The configuration a sweep command line gives, without running it. */
    public static SweepConfig sweepConfig(String... args) {
        picocli.CommandLine commandLine = MnistSpark.commandLine(new MnistSpark.Context(
                () -> {
                    throw new AssertionError("parsing needs no Spark");
                },
                System.out,
                System.err));
        commandLine.parseArgs(MnistSpark.withCommand(args));
        return ((SweepCommand) commandLine.getSubcommands().get("sweep").getCommand()).options.load();
    }
}
