package org.mnistspark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;

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
        int exitCode = org.mnistspark.cli.CliAccess.run(
                args,
                spark,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(exitCode, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** A Spark that fails the test if a command starts it: bad input must be caught before Spark starts. */
    public static Supplier<SparkSession> failingSpark() {
        return () -> {
            throw new AssertionError("Spark was started");
        };
    }

    /** Exit code 2 and one {@code error:} line naming each of {@code named}, without a stack trace. */
    public static void assertBadInput(Result result, String... named) {
        assertThat(result.exitCode()).as(result.err()).isEqualTo(2);
        assertThat(result.err().lines().filter(l -> l.startsWith("error: ")).count())
                .as(result.err())
                .isEqualTo(1);
        assertThat(result.err()).contains(named).doesNotContain("\tat ");
    }

    /** Exit code 1 and one {@code error:} line naming each of {@code named}, without a stack trace. */
    public static void assertFailed(Result result, String... named) {
        assertThat(result.exitCode()).as(result.err()).isEqualTo(1);
        assertThat(result.err().lines().filter(l -> l.startsWith("error: ")).count())
                .as(result.err())
                .isEqualTo(1);
        assertThat(result.err()).contains(named).doesNotContain("\tat ");
    }
}
