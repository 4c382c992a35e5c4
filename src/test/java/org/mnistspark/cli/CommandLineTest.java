package org.mnistspark.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mnistspark.cli.CliAccess.sweepConfig;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mnistspark.Cli;
import org.mnistspark.config.Hyperparameters;
import org.mnistspark.config.InvalidConfigException;
import org.mnistspark.config.Optimizer;
import org.mnistspark.config.Setting;
import org.mnistspark.config.SweepConfig;
import org.mnistspark.config.TrainingEngine;
import org.mnistspark.data.InvalidDataException;
import org.mnistspark.inference.InvalidInputException;
import org.mnistspark.results.InvalidTableException;

class CommandLineTest {
    @Test
    void textOptionsStayTextEvenWhenTheyLookLikeNumbers() {
        SweepConfig config = sweepConfig("--experiment", "007", "--results", "1e5");
        assertThat(config.experiment()).isEqualTo("007");
        assertThat(config.output().results()).isEqualTo("1e5");
    }

    @Test
    void optionsBecomeSettingsOverTheConfFile() {
        SweepConfig config = sweepConfig(
                "--conf",
                "conf/quick.conf",
                "--epochs",
                "3",
                "--hidden-channels",
                "2,5",
                "--experiment",
                "my exp/1",
                "--results",
                "s3a://b/results",
                "--workers",
                "4",
                "--rerun",
                "--set",
                "training.learning-rate=0.1");
        assertThat(config.grid().values(Hyperparameters.EPOCHS)).containsExactly(3);
        assertThat(config.grid().values(Hyperparameters.HIDDEN_CHANNELS)).containsExactly(2, 5);
        assertThat(config.experiment()).isEqualTo("my exp/1");
        assertThat(config.output().results()).isEqualTo("s3a://b/results");
        assertThat(config.grid().values(Hyperparameters.WORKERS)).containsExactly(4);
        assertThat(config.output().rerun()).isTrue();
        assertThat(config.grid().values(Hyperparameters.LEARNING_RATE)).containsExactly(0.1);
        assertThat(config.data().trainLimit()).as("from conf/quick.conf").isEqualTo(6000);
        assertThat(config.origins().get("data.train-limit")).contains("conf/quick.conf");
        assertThat(config.origins().get("training.epochs")).contains("command line");
    }

    @Test
    void everyGridKeyTakesAListOnTheCommandLine() {
        SweepConfig config = sweepConfig(
                "--epochs",
                "1,2",
                "--train-fraction",
                "0.25,0.5",
                "--optimizer",
                "sgd,adam",
                "--learning-rate",
                "0.01,0.02",
                "--momentum",
                "0.5,0.9",
                "--batch-size",
                "32,64",
                "--averaging-frequency",
                "1,5",
                "--seed",
                "1,2",
                "--kernel-size",
                "3,5",
                "--dropout",
                "0,0.2",
                "--hidden-channels",
                "2,5",
                "--engine",
                "dl4j,persistent");
        assertThat(config.grid().values(Hyperparameters.EPOCHS)).containsExactly(1, 2);
        assertThat(config.grid().values(Hyperparameters.TRAIN_FRACTION)).containsExactly(0.25, 0.5);
        assertThat(config.grid().values(Hyperparameters.OPTIMIZER)).containsExactly(Optimizer.SGD, Optimizer.ADAM);
        assertThat(config.grid().values(Hyperparameters.LEARNING_RATE)).containsExactly(0.01, 0.02);
        assertThat(config.grid().values(Hyperparameters.MOMENTUM)).containsExactly(0.5, 0.9);
        assertThat(config.grid().values(Hyperparameters.BATCH_SIZE)).containsExactly(32, 64);
        assertThat(config.grid().values(Hyperparameters.AVERAGING_FREQUENCY)).containsExactly(1, 5);
        assertThat(config.grid().values(Hyperparameters.SEED)).containsExactly(1L, 2L);
        assertThat(config.grid().values(Hyperparameters.KERNEL_SIZE)).containsExactly(3, 5);
        assertThat(config.grid().values(Hyperparameters.DROPOUT)).containsExactly(0.0, 0.2);
        assertThat(config.grid().values(Hyperparameters.HIDDEN_CHANNELS)).containsExactly(2, 5);
        assertThat(config.grid().values(Hyperparameters.ENGINE))
                .containsExactly(TrainingEngine.DL4J, TrainingEngine.PERSISTENT);
        // 2^12 combinations, less adam's second momentum: adam ignores momentum, so it is trained once.
        assertThat(config.trials()).hasSize(4096 - 1024);
    }

    @Test
    void aLaterSettingWinsWhetherOptionOrSet() {
        assertThat(sweepConfig("--set", "training.epochs=2", "--epochs", "5")
                        .grid()
                        .values(Hyperparameters.EPOCHS))
                .containsExactly(5);
        assertThat(sweepConfig("--epochs", "5", "--set", "training.epochs=2")
                        .grid()
                        .values(Hyperparameters.EPOCHS))
                .containsExactly(2);
        assertThat(sweepConfig("--epochs", "5", "--epochs", "3").grid().values(Hyperparameters.EPOCHS))
                .containsExactly(3);
    }

    @Test
    void everySettingHasItsOwnOptionWithHelp() {
        List<String> options =
                SweepConfig.SETTINGS.stream().map(Setting::option).toList();
        assertThat(options).doesNotHaveDuplicates().allMatch(o -> o.startsWith("--"));
        Cli.Result help = Cli.run(Cli.failingSpark(), "sweep", "--help");
        assertThat(help.exitCode()).isZero();
        for (Setting<?> setting : SweepConfig.SETTINGS) {
            assertThat(help.out())
                    .contains(setting.option())
                    .contains(setting.description().substring(0, 20));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sweep", "query", "stage"})
    void eachCommandHasItsHelp(String command) {
        Cli.Result help = Cli.run(Cli.failingSpark(), command, "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out())
                .contains("Usage: mnist-spark " + (command.equals("sweep") ? "[sweep]" : command))
                .contains("--conf")
                .contains("--set");
    }

    @Test
    void aBareCommandLineOrOptionsAloneMeanTheSweep() {
        assertThat(MnistSpark.withCommand(new String[0])).containsExactly("sweep");
        assertThat(MnistSpark.withCommand(new String[] {"--epochs", "1"})).containsExactly("sweep", "--epochs", "1");
        assertThat(MnistSpark.withCommand(new String[] {"query", "SELECT 1"})).containsExactly("query", "SELECT 1");
        assertThat(MnistSpark.withCommand(new String[] {"--help"})).containsExactly("--help");
    }

    @Test
    void unknownOptionsAndMissingValuesAreOneLineAndExitCodeTwoWithoutSpark() {
        Cli.assertBadInput(Cli.run(Cli.failingSpark(), "--epoch", "3"), "Unknown option", "--epoch");
        Cli.assertBadInput(Cli.run(Cli.failingSpark(), "--epochs"), "--epochs");
        Cli.assertBadInput(Cli.run(Cli.failingSpark(), "--experiment", "--epochs", "2"), "--experiment");
        Cli.assertBadInput(Cli.run(Cli.failingSpark(), "stage"), "--to");
        Cli.assertBadInput(Cli.run(Cli.failingSpark(), "query", "SELECT 1", "SELECT 2"), "SELECT 2");
        Cli.assertBadInput(Cli.run(Cli.failingSpark(), "--to", "x"), "--to");
    }

    @Test
    void badSettingsExitWithTwoNamingTheKeyBeforeSparkStarts() {
        Cli.assertBadInput(Cli.run(Cli.failingSpark(), "--dropout", "1.5"), "model.dropout", "command line");
        Cli.assertBadInput(
                Cli.run(Cli.failingSpark(), "--workers", "2,16"),
                "data.workers = [2, 16]  (command line)",
                "minibatch of 4 images, under the minimum of 8");
        Cli.assertBadInput(Cli.run(Cli.failingSpark(), "--parallel-trials", "-1"), "sweep.parallel-trials");
        Cli.assertBadInput(Cli.run(Cli.failingSpark(), "--epochs", "two"), "training.epochs", "expected");
        Cli.assertBadInput(Cli.run(Cli.failingSpark(), "--conf", "no/such/file.conf"), "no/such/file.conf");
        Cli.assertBadInput(Cli.run(Cli.failingSpark(), "--set", "model.layers=3"), "model.layers");
        Cli.assertBadInput(Cli.run(Cli.failingSpark(), "query", "--set", "data=5"), "'data'");
        assertThat(Cli.run(Cli.failingSpark(), "--help").exitCode()).isZero();
        assertThat(Cli.run(Cli.failingSpark(), "--version").out()).startsWith("mnist-spark ");
    }

    @Test
    void argumentsACommandRejectsAreOneLineAndExitCodeTwoWithoutSpark() {
        Cli.assertBadInput(
                Cli.run(Cli.failingSpark(), "vacuum", "--older-than", "soon"),
                "error: invalid --older-than soon: expected for example 90s");
        Cli.assertBadInput(
                Cli.run(Cli.failingSpark(), "round-cost", "--rounds", "0"),
                "error: --rounds, --hidden-channels, --workers and --trials must be at least 1");
        Cli.assertBadInput(
                Cli.run(Cli.failingSpark(), "serve", "--model", "best:x", "--port", "65536"),
                "error: --port must be 0-65535");
        Cli.assertBadInput(
                Cli.run(
                        Cli.failingSpark(),
                        "predict",
                        "--model",
                        "best:x",
                        "--images",
                        "in",
                        "--output",
                        "out",
                        "--limit",
                        "-1"),
                "error: --limit and --partitions must be at least 0");
    }

    @Test
    void aMissingFileIsOneLineNamingItAndExitCodeOne(@TempDir Path dir) {
        Path missing = dir.resolve("no-mnist");
        Cli.assertFailed(
                Cli.run(
                        Cli.failingSpark(),
                        "stage",
                        "--data",
                        missing.toString(),
                        "--to",
                        dir.resolve("staged").toString()),
                "error: MNIST file not found: ",
                "no-mnist");
    }

    /** Each kind of failure, thrown where a command first asks for Spark, through the whole command line. */
    @Test
    void eachFailureHasItsExitCodeAndOneErrorLineFromTheCommandLine() {
        Cli.assertBadInput(failing(new InvalidConfigException("invalid setting x")), "error: invalid setting x\n");
        Cli.assertBadInput(
                failing(new InvalidTableException("t is not a mnist-spark results table")),
                "error: t is not a mnist-spark results table\n");
        Cli.assertBadInput(
                failing(new InvalidInputException("--model x names no run")), "error: --model x names no run\n");
        Cli.assertFailed(failing(new InvalidDataException("f: truncated")), "error: f: truncated\n");
        Cli.assertFailed(
                failing(new FileNotFoundException("the model of trial t is gone: m")),
                "error: the model of trial t is gone: m\n");
        Cli.assertFailed(
                failing(new IOException("s3a://b/results (403 Forbidden)")),
                "error: cannot read or write s3a://b/results (403 Forbidden) (stack trace: -Dmnistspark.verbose=true)");

        Cli.Result bug = failing(new IllegalStateException("a bug"));
        assertThat(bug.exitCode()).isEqualTo(1);
        assertThat(bug.err())
                .as("the unexpected: its class and the whole trace")
                .startsWith("error: java.lang.IllegalStateException: a bug")
                .contains("\tat ");
        assertThat(bug.out()).isEmpty();
    }

    /** The query command where Spark, once asked for, throws {@code failure}. */
    private static Cli.Result failing(Exception failure) {
        Supplier<SparkSession> spark = () -> CommandLineTest.<RuntimeException>sneakyThrow(failure);
        return Cli.run(spark, "query", "--results", "unused");
    }

    @SuppressWarnings("unchecked")
    private static <E extends Exception> SparkSession sneakyThrow(Exception e) throws E {
        throw (E) e;
    }

    @Test
    void settingsParseThroughTheSameRulesAsTheFile() {
        assertThatThrownBy(() -> sweepConfig("--hidden-channels", "2,x"))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("model.hidden-channels");
        assertThatThrownBy(() -> sweepConfig("--hidden-channels", "5,5"))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("listed twice");
    }
}
