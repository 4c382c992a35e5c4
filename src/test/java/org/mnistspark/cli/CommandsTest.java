package org.mnistspark.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnistspark.TestSpark;
import org.mnistspark.config.SweepConfig;
import org.mnistspark.data.MnistDataset;
import org.mnistspark.data.MnistStaging;
import org.mnistspark.results.Records;
import org.mnistspark.results.ResultsTable;
import org.mnistspark.results.TrialRecord;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The query command (submit/results.sh) on real tables (the version-1 fixture and a fresh one) read with
 * Spark SQL, and the stage command (submit/stage-data.sh) on real files.
 */
class CommandsTest {
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
    void theBestConfigurationIsTheMostAccurateSucceededTrialOfEachExperiment(@TempDir Path dir) throws Exception {
        ResultsTable table = new ResultsTable(TestSpark.session(), dir.toString());
        for (TrialRecord trial : List.of(
                Records.trial("exp-a", "a-fair", "r1", 5, List.of(0.95)),
                Records.trial("exp-a", "a-best", "r2", 10, List.of(0.97)),
                Records.trial("exp-a", "a-diverged", "r3", 20, List.of(0.99), null, TrialRecord.DIVERGED),
                Records.trial("exp-b", "b-only", "r4", 2, List.of(0.93)))) {
            table.commit(trial, Records.epochs(trial), false);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(0, execute(new String[] {"query", "--results", dir.toString()}, out, new ByteArrayOutputStream()));
        List<String> rows = out.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("exp-")).toList();
        assertEquals(2, rows.size(), "one row per experiment: " + rows);
        assertTrue(rows.get(0).contains("a-best") && rows.get(0).contains("0.97"), rows.get(0));
        assertTrue(rows.get(1).contains("b-only"), rows.get(1));
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

    @Test
    void stageCopiesVerifiedMnistAndSaysWhereTo(@TempDir Path dir) {
        Path target = dir.resolve("staged");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String[] args = {"stage", "--data", TestSpark.mnistDir().toString(), "--to", target.toString()};
        assertEquals(0, execute(args, out, new ByteArrayOutputStream()));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("use it with --data file:" + target), out.toString());
        assertTrue(Files.isRegularFile(target.resolve(MnistDataset.TEST_LABELS)));
    }

    @Test
    void stagingACorruptFileIsAnErrorNamingItAndCopiesNothing(@TempDir Path dir) throws Exception {
        Path source = Files.createDirectories(dir.resolve("source"));
        for (String name : MnistStaging.MNIST_SHA256.keySet()) {
            Files.copy(TestSpark.mnistDir().resolve(name), source.resolve(name));
        }
        Files.write(source.resolve(MnistDataset.TEST_LABELS), new byte[] {0, 0, 8, 1}); // truncated
        Path target = dir.resolve("staged");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] args = {"stage", "--data", source.toString(), "--to", target.toString()};
        assertEquals(1, execute(args, new ByteArrayOutputStream(), err));
        String printed = err.toString(StandardCharsets.UTF_8);
        assertTrue(printed.startsWith("error: ") && printed.contains(MnistDataset.TEST_LABELS)
                && printed.contains("SHA-256"), printed);
        assertFalse(Files.exists(target), "nothing staged");
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
