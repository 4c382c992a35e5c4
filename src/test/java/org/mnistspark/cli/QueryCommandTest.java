package org.mnistspark.cli;

import org.junit.jupiter.api.Test;
import org.mnistspark.TestSpark;
import org.mnistspark.config.SweepConfig;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The query command (submit/results.sh) on a real table: the version-1 fixture, read with Spark SQL. */
class QueryCommandTest {
    private static final String FIXTURE = "src/test/resources/results-v1";

    @Test
    void withoutSqlItPrintsTheBestConfigurationPerExperiment() {
        String[] args = {"query", "--results", FIXTURE};
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(0, execute(args, out, new ByteArrayOutputStream()));
        String printed = out.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("fixture-v1") && printed.contains("v1-trial") && printed.contains("0.9691"),
                printed);
    }

    @Test
    void aBadQueryIsOneLineNamingTheProblemAndExitCodeTwo() {
        String[] args = {"query", "--results", FIXTURE, "SELECT no_such_column FROM trials"};
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(2, execute(args, new ByteArrayOutputStream(), err));
        String printed = err.toString(StandardCharsets.UTF_8);
        List<String> errors = printed.lines().filter(line -> line.startsWith("error:")).toList();
        assertEquals(1, errors.size(), printed);
        assertTrue(errors.get(0).startsWith("error: the query failed:") && errors.get(0).contains("no_such_column"),
                printed);
        assertFalse(printed.contains("\tat ") || printed.contains("Project"), "no plan or stack trace: " + printed);
    }

    private static int execute(String[] args, ByteArrayOutputStream out, ByteArrayOutputStream err) {
        CommandLine line = CommandLine.parse(args);
        PrintStream originalErr = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            return MnistSpark.execute(line, SweepConfig.load(line.confFile(), line.overrides()), TestSpark.session(),
                    new PrintStream(out, true, StandardCharsets.UTF_8));
        } finally {
            System.setErr(originalErr);
        }
    }
}
