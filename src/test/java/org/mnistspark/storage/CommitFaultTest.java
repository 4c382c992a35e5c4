package org.mnistspark.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mnistspark.TestSpark;
import org.mnistspark.results.Records;
import org.mnistspark.results.ResultsTable;
import org.mnistspark.results.TrialRecord;
import org.mnistspark.results.Vacuum;

/**
 * The results table's commit protocol driven through a failure at every one of its steps, with a file
 * system that fails exactly the Nth create, rename or delete ({@link FaultyFileSystem}). After each, the
 * table must read the same through the views and through a plain {@code spark.read.parquet} of
 * {@code trials/}: the new run whole if the failure came after the commit point (the trials file's
 * rename), absent otherwise; the run already there always whole. docs/results-table.md's "What is
 * guaranteed" states what each reader sees; these tests check those sentences.
 */
class CommitFaultTest {
    static SparkSession spark;

    @TempDir
    Path dir;

    @BeforeAll
    static void registerFaultyScheme() {
        spark = TestSpark.session();
        FaultyFileSystem.settings()
                .forEach((key, value) ->
                        spark.sparkContext().hadoopConfiguration().set(key.substring("spark.hadoop.".length()), value));
    }

    @AfterEach
    void disarm() {
        FaultyFileSystem.disarm();
    }

    private String location() {
        return "faulty://" + dir.resolve("results");
    }

    @ParameterizedTest
    @EnumSource(FaultyFileSystem.Op.class)
    void aFailureAtAnyStepLeavesTheTableWholeAndTheViewsAndPlainReadsAgree(FaultyFileSystem.Op op) throws Exception {
        List<String> outcomes = new ArrayList<>();
        for (int nth = 1; nth < 100; nth++) {
            Path results = dir.resolve("results");
            org.mnistspark.TestFiles.deleteRecursively(results);
            ResultsTable table = new ResultsTable(spark, location());
            TrialRecord before = Records.trial("exp", "t-before", "run-before", 5, List.of(0.9, 0.95));
            table.commit(before, Records.epochs(before));
            TrialRecord trial = Records.trial("exp", "t-new", "run-new", 10, List.of(0.91, 0.96));

            FaultyFileSystem.arm(
                    op, nth, FaultyFileSystem.Mode.THROW, dir.resolve("results").toString());
            Throwable failure = catchThrowable(() -> table.commit(trial, Records.epochs(trial)));
            boolean fired = FaultyFileSystem.fired();
            List<String> ops = FaultyFileSystem.log();
            FaultyFileSystem.disarm();
            if (!fired) {
                assertThat(failure).as("no fault, no failure").isNull();
                assertThat(nth).as("the commit does at least one " + op).isGreaterThan(1);
                break;
            }
            boolean afterCommitPoint = afterCommitPoint(ops);
            String step = op + " #" + nth + " ("
                    + ops.stream()
                            .filter(o -> o.startsWith("FAILS"))
                            .findFirst()
                            .orElseThrow() + ")";
            outcomes.add(step + ": " + (afterCommitPoint ? "committed" : "absent"));
            assertThat(failure == null)
                    .as(step + ": the commit returns normally exactly when the failure came "
                            + "after its commit point\n" + String.join("\n", ops))
                    .isEqualTo(afterCommitPoint);

            long shown = table.trials().where("trial_id = 't-new'").count();
            long plain = spark.read()
                    .parquet(results.resolve("trials").toString())
                    .where("trial_id = 't-new'")
                    .count();
            long epochsShown = table.epochs().where("trial_id = 't-new'").count();
            long epochsPlain = table.allEpochRows().where("trial_id = 't-new'").count();
            long expected = afterCommitPoint ? 1 : 0;
            assertThat(shown).as(step + " views").isEqualTo(expected);
            assertThat(plain).as(step + " plain read of trials/").isEqualTo(expected);
            assertThat(epochsShown).as(step + " epochs view").isEqualTo(2 * expected);
            assertThat(epochsPlain)
                    .as(step + " plain read of epochs/ (an in-process failure rolls back)")
                    .isEqualTo(2 * expected);
            assertThat(table.trials().where("trial_id = 't-before'").count())
                    .as(step + " earlier rows")
                    .isEqualTo(1);
            assertThat(table.epochs().where("trial_id = 't-before'").count()).isEqualTo(2);
        }
        System.out.println("[commit faults, " + op + "] " + String.join("; ", outcomes));
        assertThat(outcomes)
                .as("every " + op + " of the commit was failed once")
                .isNotEmpty();
    }

    /** Whether the failing operation came after the successful rename of the run's trials file. */
    private static boolean afterCommitPoint(List<String> ops) {
        int commit = -1;
        int failed = -1;
        for (int i = 0; i < ops.size(); i++) {
            String op = ops.get(i);
            if (op.startsWith("FAILS")) {
                failed = i;
            } else if (op.startsWith("RENAME") && op.contains("/results/trials/trial-")) {
                commit = i;
            }
        }
        return commit >= 0 && commit < failed;
    }

    /**
     * The driver killed between the commit's two renames (a JVM halted there): readers of the views see
     * nothing of the run; a plain read of epochs/ sees its epoch rows until vacuum removes them.
     */
    @Test
    void aDriverKilledBetweenTheTwoRenamesLeavesEpochRowsOnlyAPlainReadSeesUntilVacuum() throws Exception {
        Path results = dir.resolve("results");
        ResultsTable table = new ResultsTable(spark, location());
        TrialRecord before = Records.trial("exp", "t-before", "run-before", 5, List.of(0.9));
        table.commit(before, Records.epochs(before));

        int exit = commitInChildJvm(location(), "rename:1:halt:/results/trials/trial-");
        assertThat(exit).as("the child JVM halted at the commit rename").isEqualTo(99);
        assertThat(table.trials().where("trial_id = 't-child'").count())
                .as("views")
                .isZero();
        assertThat(table.epochs().where("trial_id = 't-child'").count())
                .as("epochs view")
                .isZero();
        assertThat(spark.read()
                        .parquet(results.resolve("trials").toString())
                        .where("trial_id = 't-child'")
                        .count())
                .as("plain read of trials/")
                .isZero();
        assertThat(table.allEpochRows().where("trial_id = 't-child'").count())
                .as("plain read of epochs/")
                .isEqualTo(1);
        assertThat(results.resolve("_staging"))
                .as("the halted commit's staging copy")
                .isNotEmptyDirectory();

        Vacuum.Result vacuumed =
                new Vacuum(table, spark.sparkContext().hadoopConfiguration()).run("", Duration.ZERO, false);
        assertThat(vacuumed.orphanEpochFiles()).hasSize(1);
        assertThat(vacuumed.staging()).hasSize(1);
        assertThat(table.allEpochRows().where("trial_id = 't-child'").count()).isZero();
        assertThat(table.trials().count()).as("the committed run stays").isEqualTo(1);
        assertThat(table.epochs().count()).isEqualTo(1);
    }

    /** Runs {@link CommitInChildJvm} with a fault armed from the start; returns its exit code. */
    static int commitInChildJvm(String location, String fault) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(
                java,
                "@submit/jvm.args",
                "-Xmx1g",
                "-Dfaulty.fail=" + fault,
                "-cp",
                System.getProperty("java.class.path"),
                CommitInChildJvm.class.getName(),
                location));
        File log = Files.createTempFile("commit-child", ".log").toFile();
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log)
                .start();
        if (!process.waitFor(3, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("the child JVM did not end:\n" + Files.readString(log.toPath()));
        }
        return process.exitValue();
    }
}
