package org.mnistspark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.mnistspark.config.SearchOptions;
import org.mnistspark.config.Setting;
import org.mnistspark.config.SweepConfig;

/** docs/settings.md is the settings command's output, and that output names every declared setting. */
class SettingsReferenceTest {
    private static final Path DOC = Path.of("docs/settings.md");

    @Test
    void docsSettingsIsTheCommandsOutput() throws Exception {
        String generated = run("settings");
        String committed = Files.exists(DOC) ? Files.readString(DOC) : "";
        if (!committed.equals(generated)) {
            Path actual = Path.of("target/settings.md");
            Files.createDirectories(actual.getParent());
            Files.writeString(actual, generated);
            assertThat(committed)
                    .as("docs/settings.md differs from the settings command's output (written to "
                            + actual + "); regenerate it: " + SettingsCommand.REGENERATE
                            + " (or cp " + actual + " " + DOC + ")")
                    .isEqualTo(generated);
        }
    }

    @Test
    void everySettingHasARowWithItsOptionDefaultAndRule() throws Exception {
        String generated = run("settings");
        assertThat(generated).contains(SettingsCommand.REGENERATE);
        for (Setting<?> s : SweepConfig.SETTINGS) {
            assertThat(generated).contains("| `" + s.key() + "` | `" + s.option());
            assertThat(generated).contains("`" + s.defaultText() + "` | " + (s.isGrid() ? "grid" : "-"));
        }
        for (Setting<?> s : SearchOptions.SETTINGS) {
            assertThat(generated).contains("| `" + s.key() + "` | `" + s.option());
        }
        assertThat(generated)
                .contains("| `model.hidden-channels` | `--hidden-channels N[,N...]` | `2,5,10,20,32` | grid |")
                .contains("| `output.rerun` | `--rerun` | `false` | - | any value |")
                .contains("| `search.eta` | `--eta N` | `3` | - | must be at least 2 |");
    }

    private static String run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = CliAccess.run(
                args,
                () -> {
                    throw new AssertionError("the settings reference needs no Spark");
                },
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        return out.toString(StandardCharsets.UTF_8);
    }
}
