package org.mnistspark.cli;

import org.mnistspark.config.Hyperparameters;
import org.mnistspark.config.Optimizer;
import org.mnistspark.config.TrainingEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mnistspark.Cli;
import org.mnistspark.config.InvalidConfigException;
import org.mnistspark.config.Setting;
import org.mnistspark.config.SweepConfig;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mnistspark.cli.CliAccess.sweepConfig;

class CommandLineTest {
    @Test
    void textOptionsStayTextEvenWhenTheyLookLikeNumbers() {
        SweepConfig config = sweepConfig("--experiment", "007", "--results", "1e5");
        assertThat(config.experiment()).isEqualTo("007");
        assertThat(config.output().results()).isEqualTo("1e5");
    }

    @Test
    void optionsBecomeSettingsOverTheConfFile() {
        SweepConfig config = sweepConfig("--conf", "conf/quick.conf", "--epochs", "3", "--hidden-channels", "2,5",
                "--experiment", "my exp/1", "--results", "s3a://b/results", "--workers", "4", "--rerun",
                "--set", "training.learning-rate=0.1");
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
        SweepConfig config = sweepConfig("--epochs", "1,2", "--train-fraction", "0.25,0.5", "--optimizer", "sgd,adam",
                "--learning-rate", "0.01,0.02", "--momentum", "0.5,0.9", "--batch-size", "32,64",
                "--averaging-frequency", "1,5", "--seed", "1,2", "--kernel-size", "3,5", "--dropout", "0,0.2",
                "--hidden-channels", "2,5", "--engine", "dl4j,persistent");
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
        assertThat(config.grid().values(Hyperparameters.ENGINE)).containsExactly(TrainingEngine.DL4J, TrainingEngine.PERSISTENT);
        // 2^12 combinations, less adam's second momentum: adam ignores momentum, so it is trained once.
        assertThat(config.trials()).hasSize(4096 - 1024);
    }

    @Test
    void aLaterSettingWinsWhetherOptionOrSet() {
        assertThat(sweepConfig("--set", "training.epochs=2", "--epochs", "5").grid().values(Hyperparameters.EPOCHS)).containsExactly(5);
        assertThat(sweepConfig("--epochs", "5", "--set", "training.epochs=2").grid().values(Hyperparameters.EPOCHS)).containsExactly(2);
        assertThat(sweepConfig("--epochs", "5", "--epochs", "3").grid().values(Hyperparameters.EPOCHS)).containsExactly(3);
    }

    @Test
    void everySettingHasItsOwnOptionWithHelp() {
        List<String> options = SweepConfig.SETTINGS.stream().map(Setting::option).toList();
        assertThat(options).doesNotHaveDuplicates().allMatch(o -> o.startsWith("--"));
        Cli.Result help = Cli.run(Cli.failingSpark(), "sweep", "--help");
        assertThat(help.exitCode()).isZero();
        for (Setting<?> setting : SweepConfig.SETTINGS) {
            assertThat(help.out()).contains(setting.option()).contains(setting.description().substring(0, 20));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sweep", "query", "stage"})
    void eachCommandHasItsHelp(String command) {
        Cli.Result help = Cli.run(Cli.failingSpark(), command, "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("Usage: mnist-spark " + (command.equals("sweep") ? "[sweep]" : command))
                .contains("--conf").contains("--set");
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
        Cli.assertBadInput(Cli.run(Cli.failingSpark(), "--workers", "2,16"), "data.workers = [2, 16]  (command line)",
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
    void settingsParseThroughTheSameRulesAsTheFile() {
        assertThatThrownBy(() -> sweepConfig("--hidden-channels", "2,x"))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("model.hidden-channels");
        assertThatThrownBy(() -> sweepConfig("--hidden-channels", "5,5"))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("listed twice");
    }
}
