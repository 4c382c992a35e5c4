package org.mnistspark.tune;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.mnistspark.Cli;
import org.mnistspark.TestSpark;
import org.mnistspark.config.TrialSpec;
import org.mnistspark.config.TuneConfig;
import org.mnistspark.results.ResultsTable;
import org.mnistspark.results.Views;

/**
 * A tuning job on a small real MNIST subset (2,000 training and 500 test images): four configurations,
 * asha with rungs of 1 and 2 epochs and eta 2. The job is first killed (its JVM halted) in the middle of
 * committing its third rung, then run again, which resumes it from the table; then run once more, which
 * trains nothing. The steps share one results table and run in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TuneEndToEndTest {
    @TempDir
    static Path work;

    private final SparkSession spark = TestSpark.session();

    /** Run ids of the rungs the killed run committed, by configuration@rung. */
    private static Map<String, String> committedBeforeTheKill = new HashMap<>();

    static Path conf() throws Exception {
        Path file = work.resolve("tune.conf");
        if (!Files.exists(file)) {
            Files.writeString(
                    file, """
                    experiment = tune-e2e
                    data { dir = "%s", train-limit = 2000, test-limit = 500, workers = 2 }
                    # One rung at a time, so that the rung the fault halts (the third renamed) is always the same.
                    sweep { parallel-trials = 1 }
                    training { momentum = 0.9 }
                    output { results = "%s", models = "%s", progress-every = 1000 }
                    search {
                      strategy = asha
                      seed = 3
                      trials = 4
                      min-epochs = 1
                      max-epochs = 2
                      eta = 2
                      space {
                        model.hidden-channels { int-uniform = [2, 8] }
                        training.learning-rate { log-uniform = [0.01, 0.1] }
                      }
                    }
                    """.formatted(TestSpark.mnistDir(), work.resolve("results"), work.resolve("models")));
        }
        return file;
    }

    private ResultsTable table() throws Exception {
        return new ResultsTable(spark, work.resolve("results").toString());
    }

    private static String key(Row row) {
        return row.getAs("configuration") + "@" + row.getAs("rung");
    }

    @Test
    @Order(1)
    void aJobKilledWhileCommittingARungLeavesOnlyWholeRungs() throws Exception {
        // The third rung is the first promotion; the JVM halts between its epochs' and its row's renames.
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(
                java,
                "@submit/jvm.args",
                "-Xmx2g",
                "-Dfaulty.fail=rename:3:halt:/results/trials/trial-",
                "-Dmnistspark.claims.lease-seconds=4",
                "-cp",
                System.getProperty("java.class.path"),
                TuneInChildJvm.class.getName(),
                "tune",
                "--conf",
                conf().toString(),
                "--results",
                "faulty://" + work.resolve("results")));
        File log = work.resolve("killed-run.log").toFile();
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log)
                .start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("the tuning JVM did not end:\n" + Files.readString(log.toPath()));
        }
        String printed = Files.readString(log.toPath());
        assertThat(process.exitValue()).as(printed).isEqualTo(99);
        assertThat(printed)
                .contains(
                        "[c1 r0] configuration 1/4, rung 0",
                        "[c2 r0] configuration 2/4, rung 0",
                        "rung 1: epochs 2-2; promoted");

        ResultsTable table = table();
        List<Row> rungs = Views.rungs(table).collectAsList();
        assertThat(rungs).extracting(TuneEndToEndTest::key).containsExactlyInAnyOrder("1@0", "2@0");
        rungs.forEach(row -> committedBeforeTheKill.put(key(row), row.getAs("run_id")));
        assertThat(table.epochs().count())
                .as("the epochs of the two committed rungs")
                .isEqualTo(2);
        assertThat(table.allEpochRows().count())
                .as("and the halted commit's epoch file, which no view shows")
                .isEqualTo(3);
    }

    @Test
    @Order(2)
    void runAgainItResumesProposingNothingTwiceAndRetrainingNothingCommitted() throws Exception {
        Cli.Result result = Cli.run("tune", "--conf", conf().toString());
        assertThat(result.exitCode()).as(result.out() + result.err()).isZero();
        assertThat(result.out())
                .contains("Resuming: the results table has 2 of the job's rungs, of 2 of its 4 " + "configurations");
        assertThat(result.out())
                .doesNotContain("[c1 r0] configuration 1/4, rung 0", "[c2 r0] configuration 2/4, rung 0");

        ResultsTable table = table();
        List<Row> rungs = Views.rungs(table).orderBy("rung", "configuration").collectAsList();
        // 4 configurations at rung 0; ⌊4/2⌋ = 2 of them went on to rung 1.
        assertThat(rungs).filteredOn(r -> (int) r.getAs("rung") == 0).hasSize(4);
        assertThat(rungs).filteredOn(r -> (int) r.getAs("rung") == 1).hasSize(2);
        Map<String, Row> byKey = rungs.stream().collect(Collectors.toMap(TuneEndToEndTest::key, r -> r));
        committedBeforeTheKill.forEach((key, runId) -> assertThat(byKey.get(key).<String>getAs("run_id"))
                .as(key + " was not trained again")
                .isEqualTo(runId));
        assertThat(table.allRuns().where("tuning_job = 'tune-e2e'").count())
                .as("one run per configuration and rung")
                .isEqualTo(6);

        // The configurations are the seed's proposals, in order.
        List<TrialSpec> proposals =
                TuneConfig.load(conf().toString(), List.of()).proposals();
        for (Row row : rungs) {
            TrialSpec spec = proposals.get((int) row.getAs("configuration") - 1);
            assertThat((int) row.getAs("hidden_channels")).isEqualTo(spec.hiddenChannels());
            assertThat((Double) row.getAs("learning_rate")).isEqualTo(spec.learningRate());
        }

        for (Row row : rungs) {
            int rung = row.getAs("rung");
            String runId = row.getAs("run_id");
            // Every rung whole: its row, the epochs it trained (numbered on from the previous rung), its model.
            assertThat(row.<String>getAs("status")).isEqualTo(rung == 1 ? "succeeded" : "stopped");
            assertThat((int) row.getAs("epochs")).isEqualTo(rung + 1);
            assertThat((int) row.getAs("epochs_trained")).isEqualTo(1);
            assertThat(table.epochs()
                            .where("run_id = '" + runId + "'")
                            .select("epoch")
                            .collectAsList())
                    .extracting(r -> r.getInt(0))
                    .containsExactly(rung + 1);
            assertThat(row.getList(row.fieldIndex("test_accuracy"))).hasSize(rung + 1);
            File model = new File(URI.create(row.getAs("model_path")));
            assertThat(model).isFile();
            if (rung == 1) {
                // It went on from rung 0's saved model: the same first epoch, then one more.
                Row previous = byKey.get(row.getAs("configuration") + "@0");
                assertThat(row.<String>getAs("resumed_from")).isEqualTo(previous.getAs("run_id"));
                assertThat(row.getList(row.fieldIndex("test_accuracy")).get(0))
                        .isEqualTo(previous.getList(previous.fieldIndex("test_accuracy"))
                                .get(0));
                assertThat(previous.<Boolean>getAs("promoted")).isTrue();
                MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(model, true);
                assertThat(restored.getUpdater().getStateViewArray().sumNumber().doubleValue())
                        .as("saved with its updater state, to go on from")
                        .isNotZero();
            }
        }

        // Each promotion came from the top ⌊n/η⌋ of the rung-0 runs finished when it started.
        for (Row promoted :
                rungs.stream().filter(r -> (int) r.getAs("rung") == 1).toList()) {
            Timestamp started = promoted.getAs("started_at");
            List<Row> finished = rungs.stream()
                    .filter(r -> (int) r.getAs("rung") == 0 && ((Timestamp) r.getAs("finished_at")).before(started))
                    .sorted((a, b) -> {
                        int byAccuracy = Double.compare(b.getAs("test_accuracy_last"), a.getAs("test_accuracy_last"));
                        return byAccuracy != 0
                                ? byAccuracy
                                : Double.compare(a.getAs("test_loss_last"), b.getAs("test_loss_last"));
                    })
                    .toList();
            List<Object> top = finished.subList(0, finished.size() / 2).stream()
                    .map(r -> r.getAs("configuration"))
                    .collect(Collectors.toList());
            assertThat(top)
                    .as("promotion of " + key(promoted) + " among " + finished.size())
                    .contains((Object) promoted.getAs("configuration"));
        }
        assertThat(result.out()).contains("Best configuration:", "Compute spent per experiment");
    }

    @Test
    @Order(3)
    void runOnceMoreItTrainsNothingAndTheQueriesShowTheJob() throws Exception {
        Cli.Result again = Cli.run("tune", "--conf", conf().toString());
        assertThat(again.exitCode()).as(again.out() + again.err()).isZero();
        assertThat(again.out())
                .contains("Resuming: the results table has 6 of the job's rungs")
                .doesNotContain("[configuration");
        assertThat(table().allRuns().count()).isEqualTo(6);

        String results = work.resolve("results").toString();
        Cli.Result compute = Cli.run(
                "query", "--results", results, "SELECT experiment, kind, configurations, epochs_trained FROM compute");
        assertThat(compute.out()).containsPattern("tune-e2e\\s+\\|\\s+tuning\\s+\\|\\s+4\\s+\\|\\s+6");
        Cli.Result best = Cli.run(
                "query",
                "--results",
                results,
                "SELECT tuning_job, best_configuration, "
                        + "best_test_accuracy = (SELECT max(test_accuracy_last) FROM rungs WHERE status <> 'failed') AS best, "
                        + "epochs_trained FROM tuning");
        assertThat(best.out()).as(best.out()).containsPattern("tune-e2e\\s+\\|\\s+[1-4]\\s+\\|\\s+true\\s+\\|\\s+6");
        Cli.Result curve = Cli.run(
                "query",
                "--results",
                results,
                "SELECT configuration, accuracy_by_epochs, epochs_reached, status FROM tuning_configurations");
        assertThat(curve.out()
                        .lines()
                        .filter(l -> l.contains(" 1:0.") && l.contains(" 2:0."))
                        .count())
                .as("two configurations with a rung-1 point on their curve\n" + curve.out())
                .isEqualTo(2);
    }

    @Test
    @Order(4)
    void anotherSeedUnderTheSameJobNameIsRefusedAndTrainsNothing() throws Exception {
        Cli.Result other = Cli.run("tune", "--conf", conf().toString(), "--search-seed", "4");
        assertThat(other.exitCode()).as(other.out() + other.err()).isEqualTo(2);
        assertThat(other.err()).contains("tuning job 'tune-e2e'", "was run with another search");
        assertThat(table().allRuns().count()).isEqualTo(6);
    }
}
