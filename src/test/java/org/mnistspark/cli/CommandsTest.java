package org.mnistspark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnistspark.Cli;
import org.mnistspark.TestSpark;
import org.mnistspark.data.MnistDataset;
import org.mnistspark.data.MnistStaging;
import org.mnistspark.results.Records;
import org.mnistspark.results.ResultsTable;
import org.mnistspark.results.Status;
import org.mnistspark.results.TrialRecord;

/**
 * The query command (submit/local.sh query) on real tables (the version-1 fixture and a fresh one) read with
 * Spark SQL, and the stage command (submit/stage-data.sh) on real files, without Spark; and a tuning job
 * that a table's grid sweep refuses before it trains.
 */
class CommandsTest {
    private static final String FIXTURE = "src/test/resources/results-v1";

    @Test
    void withoutSqlItPrintsTheBestConfigurationPerExperiment() {
        Cli.Result result = Cli.run("query", "--results", FIXTURE);
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).contains("fixture-v1", "v1-trial", "0.9691");
    }

    @Test
    void theBestConfigurationIsTheMostAccurateSucceededTrialOfEachExperiment(@TempDir Path dir) throws Exception {
        ResultsTable table = new ResultsTable(TestSpark.session(), dir.toString());
        for (TrialRecord trial : List.of(
                Records.trial("exp-a", "a-fair", "r1", 5, List.of(0.95)),
                Records.trial("exp-a", "a-best", "r2", 10, List.of(0.97)),
                Records.trial("exp-a", "a-diverged", "r3", 20, List.of(0.99), null, Status.DIVERGED),
                Records.trial("exp-b", "b-only", "r4", 2, List.of(0.93)))) {
            table.commit(trial, Records.epochs(trial));
        }
        Cli.Result result = Cli.run("query", "--results", dir.toString());
        assertThat(result.exitCode()).isZero();
        List<String> rows =
                result.out().lines().filter(l -> l.startsWith("exp-")).toList();
        assertThat(rows).as("one row per experiment").hasSize(2);
        assertThat(rows.get(0)).contains("a-best", "0.97");
        assertThat(rows.get(1)).contains("b-only");
    }

    @Test
    void aBadQueryIsOneLineNamingTheProblemAndExitCodeTwo() {
        Cli.Result result = Cli.run("query", "--results", FIXTURE, "SELECT no_such_column FROM trials");
        assertThat(result.exitCode()).isEqualTo(2);
        List<String> errors =
                result.err().lines().filter(line -> line.startsWith("error:")).toList();
        assertThat(errors).hasSize(1);
        assertThat(errors.get(0)).startsWith("error: the query failed:").contains("no_such_column");
        assertThat(result.err()).as("no plan or stack trace").doesNotContain("\tat ", "Project");
    }

    @Test
    void aTuningJobNamedLikeAGridSweepsExperimentIsRefusedWithExitCodeTwo(@TempDir Path dir) throws Exception {
        TrialRecord sweep = Records.trial("exp-a", "a-trial", "r1", 5, List.of(0.95));
        new ResultsTable(TestSpark.session(), dir.resolve("results").toString()).commit(sweep, Records.epochs(sweep));
        Cli.Result result = Cli.run(
                "tune",
                "--experiment",
                "exp-a",
                "--data",
                TestSpark.mnistDir().toString(),
                "--train-limit",
                "600",
                "--test-limit",
                "100",
                "--results",
                dir.resolve("results").toString(),
                "--models",
                dir.resolve("models").toString());
        Cli.assertBadInput(
                result,
                "error: experiment 'exp-a' in ",
                " holds a grid sweep's trials; name the tuning job " + "differently (--experiment)");
        assertThat(result.out()).doesNotContain("[configuration");
    }

    @Test
    void stageCopiesVerifiedMnistAndSaysWhereToWithoutSpark(@TempDir Path dir) {
        Path target = dir.resolve("staged");
        Cli.Result result = Cli.run(
                () -> {
                    throw new AssertionError("staging needs no Spark");
                },
                "stage",
                "--data",
                TestSpark.mnistDir().toString(),
                "--to",
                target.toString());
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).contains("use it with --data file:" + target);
        assertThat(target.resolve(MnistDataset.TEST_LABELS)).isRegularFile();
        assertThat(target)
                .isDirectoryNotContaining("glob:**/*.tmp"); // no scratch copies left (Hadoop's .crc files aside)
    }

    @Test
    void stagingACorruptFileIsAnErrorNamingItAndCopiesNothing(@TempDir Path dir) throws Exception {
        Path source = Files.createDirectories(dir.resolve("source"));
        for (String name : MnistStaging.MNIST_SHA256.keySet()) {
            Files.copy(TestSpark.mnistDir().resolve(name), source.resolve(name));
        }
        Files.write(source.resolve(MnistDataset.TEST_LABELS), new byte[] {0, 0, 8, 1}); // truncated
        Path target = dir.resolve("staged");
        Cli.Result result = Cli.run("stage", "--data", source.toString(), "--to", target.toString());
        Cli.assertFailed(result, MnistDataset.TEST_LABELS, "SHA-256");
        assertThat(result.err()).startsWith("error: ");
        assertThat(target).as("nothing staged").doesNotExist();
    }
}
