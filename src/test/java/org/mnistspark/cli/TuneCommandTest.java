package org.mnistspark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnistspark.Cli;
import org.mnistspark.config.SearchOptions;
import org.mnistspark.config.Setting;

/** The tune command's line: its help, and bad search blocks stopped before Spark starts, with exit code 2. */
class TuneCommandTest {
    @TempDir
    Path dir;

    @Test
    void tuneHasItsHelpWithTheSearchOptions() {
        Cli.Result help = Cli.run(Cli.failingSpark(), "tune", "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("Usage: mnist-spark tune", "--conf", "--set", "Search (search.space");
        for (Setting<?> setting : SearchOptions.SETTINGS) {
            assertThat(help.out())
                    .contains(setting.option())
                    .contains(setting.description().substring(0, 20));
        }
        assertThat(help.out())
                .as("the grid's settings too, which a search may fix or draw")
                .contains("--hidden-channels", "--learning-rate");
        assertThat(Cli.run(Cli.failingSpark(), "--help").out()).contains("tune");
    }

    @Test
    void badSearchBlocksExitWithTwoNamingTheKeyBeforeSparkStarts() throws IOException {
        Path file = dir.resolve("bad.conf");
        Files.writeString(file, """
                experiment = bad
                search {
                  space {
                    training.learning-rate { log-uniform = [0, 0.01] }
                  }
                }
                """);
        Cli.assertBadInput(
                Cli.run(Cli.failingSpark(), "tune", "--conf", file.toString()),
                "search.space.training.learning-rate.log-uniform",
                "bad.conf: 4",
                "log-uniform");
        Cli.assertBadInput(
                Cli.run(Cli.failingSpark(), "tune", "--experiment", "x", "--eta", "1"), "search.eta", "command line");
        Cli.assertBadInput(
                Cli.run(Cli.failingSpark(), "tune", "--experiment", "x", "--min-epochs", "4", "--max-epochs", "2"),
                "search.min-epochs",
                "search.max-epochs");
        Cli.assertBadInput(
                Cli.run(
                        Cli.failingSpark(),
                        "tune",
                        "--experiment",
                        "x",
                        "--set",
                        "search.space.model.dropout.uniform=[0.3,0.1]"),
                "search.space.model.dropout.uniform",
                "above");
        Cli.assertBadInput(
                Cli.run(
                        Cli.failingSpark(),
                        "tune",
                        "--experiment",
                        "x",
                        "--set",
                        "search.space.data.test-limit.choice=[100,200]"),
                "data.test-limit is not a grid key");
        Cli.assertBadInput(
                Cli.run(
                        Cli.failingSpark(),
                        "tune",
                        "--experiment",
                        "x",
                        "--set",
                        "search.space.data.workers.choice=[16,32]"),
                "search.space",
                "and data.workers ",
                "under the minimum of 8");
        Cli.assertBadInput(
                Cli.run(Cli.failingSpark(), "tune", "--experiment", "x", "--set", "search.budget=3"), "search.budget");
        Cli.assertBadInput(Cli.run(Cli.failingSpark(), "tune"), "name the tuning job");
        Cli.assertBadInput(Cli.run(Cli.failingSpark(), "--conf", "conf/tune.conf"), "search.", "tune");
    }
}
