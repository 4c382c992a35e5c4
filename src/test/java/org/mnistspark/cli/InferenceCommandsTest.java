package org.mnistspark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mnistspark.Cli;

/**
 * The predict and serve commands' command lines without Spark: their help, and arguments refused
 * before Spark starts. (Running them: PredictTest and ServeTest in org.mnistspark.inference.)
 */
class InferenceCommandsTest {
    private static <T> Supplier<T> noSpark() {
        return () -> {
            throw new AssertionError("this needs no Spark");
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"predict", "serve"})
    void eachHasItsHelp(String command) {
        Cli.Result help = Cli.run(noSpark(), command, "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("Usage: mnist-spark " + command).contains("--model", "--results", "best:");
    }

    @ParameterizedTest
    @ValueSource(strings = {"predict", "serve"})
    void aMissingOrMalformedSelectorIsExitCodeTwoWithoutSpark(String command) {
        String[] rest = command.equals("predict") ? new String[] {"--images", "x", "--output", "y"} : new String[0];
        Cli.Result missing = Cli.run(noSpark(), concat(new String[] {command}, rest));
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("Missing required option: '--model=SELECTOR'");
        Cli.Result malformed = Cli.run(noSpark(), concat(new String[] {command, "--model", "best:"}, rest));
        assertThat(malformed.exitCode()).isEqualTo(2);
        assertThat(malformed.err())
                .isEqualTo("error: --model best: names no experiment: write best:<experiment>, "
                        + "for example best:mnist-cnn" + System.lineSeparator());
    }

    @ParameterizedTest
    @ValueSource(strings = {"--port=70000", "--threads=-1", "--batch-wait-ms=-1"})
    void serveRefusesImpossiblePortsAndThreadsWithoutSpark(String option) {
        Cli.Result result = Cli.run(noSpark(), "serve", "--model", "best:x", option);
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).startsWith("error: --port must be 0-65535");
    }

    @ParameterizedTest
    @ValueSource(strings = {"--batch-size=0", "--limit=-1", "--partitions=-2"})
    void predictRefusesImpossibleSizesWithoutSpark(String option) {
        Cli.Result result =
                Cli.run(noSpark(), "predict", "--model", "best:x", "--images", "x", "--output", "y", option);
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).startsWith("error: --limit and --partitions");
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
