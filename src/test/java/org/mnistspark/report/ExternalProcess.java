package org.mnistspark.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a program the tests need (Jupyter, Chromium) to its end or its time limit, output to files so
 * the limit holds; on the limit it and every process it started are killed.
 */
public final class ExternalProcess {
    /** Exit code, standard output and standard error (with where they were written, for messages). */
    public record Result(int exitCode, String out, String err, String command) {
        public String describe() {
            return command + " exited " + exitCode + "\n--- stdout:\n" + tail(out) + "\n--- stderr:\n" + tail(err);
        }

        private static String tail(String text) {
            return text.length() <= 6000 ? text : "..." + text.substring(text.length() - 6000);
        }
    }

    private ExternalProcess() {}

    /** Adds {@code environment} to the builder's; an empty value removes the variable. */
    public static void setEnvironment(ProcessBuilder builder, Map<String, String> environment) {
        environment.forEach((name, value) -> {
            if (value.isEmpty()) {
                builder.environment().remove(name);
            } else {
                builder.environment().put(name, value);
            }
        });
    }

    /** @param environment added to this JVM's; an empty value removes the variable */
    public static Result run(
            List<String> command, Path workDir, Map<String, String> environment, Duration limit, Path logs)
            throws IOException, InterruptedException {
        Files.createDirectories(logs);
        Path out = Files.createTempFile(logs, "stdout", ".log");
        Path err = Files.createTempFile(logs, "stderr", ".log");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        setEnvironment(builder, environment);
        Process process = builder.start();
        if (!process.waitFor(limit.toSeconds(), TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
            throw new AssertionError(String.join(" ", command) + " did not end within " + limit + "\n--- stderr:\n"
                    + Files.readString(err, StandardCharsets.UTF_8));
        }
        return new Result(
                process.exitValue(),
                Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8),
                String.join(" ", command));
    }
}
