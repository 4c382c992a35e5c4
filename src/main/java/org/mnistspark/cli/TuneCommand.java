package org.mnistspark.cli;

import org.mnistspark.config.TuneConfig;
import org.mnistspark.tune.Tuner;
import picocli.CommandLine.Command;

@Command(
        name = "tune",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        usageHelpWidth = 110,
        description = {
            "A tuning job: proposes configurations from the distributions of the search block "
                    + "(search.space in the --conf file: choice, uniform, log-uniform or int-uniform over any grid key), "
                    + "seeded, and trains them by random search or by asynchronous successive halving (asha), which "
                    + "stops weak configurations after few epochs and goes on with the best from their saved models. "
                    + "Every rung of every configuration is committed as a row of the trials table; run it again with "
                    + "the same settings to resume it. Example: conf/tune.conf; see docs/tuning.md.",
            "Precedence: options and --set (a later one wins), then --conf FILE, then the defaults shown."
        })
final class TuneCommand extends ConfiguredCommand {
    TuneCommand(MnistSpark.Context context) {
        super(context, TuneConfig.SETTINGS);
    }

    @Override
    public Integer call() throws Exception {
        TuneConfig config = options.loadTune(); // before Spark starts: a bad search block costs nothing
        return new Tuner(context.spark().get(), config, context.out()).run().succeeded() ? 0 : MnistSpark.FAILED;
    }
}
