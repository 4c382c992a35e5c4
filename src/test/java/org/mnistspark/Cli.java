package org.mnistspark;

import org.apache.spark.sql.SparkSession;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/** Runs the job's command line in this JVM, as spark-submit would, and keeps what it printed. */
public final class Cli {
    /** A command's exit code and its standard output and error. */
    public record Result(int exitCode, String out, String err) {}

    private Cli() {}

    /** On the tests' Spark (started only if the command asks for it). */
    public static Result run(String... args) {
        return run(TestSpark::session, args);
    }

    public static Result run(Supplier<SparkSession> spark, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exitCode = org.mnistspark.cli.CliAccess.run(args, spark,
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(exitCode, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
