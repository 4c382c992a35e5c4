package org.mnistspark.cli;

import org.mnistspark.config.SweepConfig;
import org.mnistspark.sweep.Sweep;
import picocli.CommandLine.Command;

@Command(
        name = "sweep",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        usageHelpWidth = 110,
        customSynopsis = "mnist-spark [sweep] [--conf=FILE] [--set=KEY=VALUE]... [OPTIONS]...",
        description = {
            "Trains every configuration of the grid that the results table does not have yet, on Spark, "
                    + "and commits each one's rows to the table. Grid options take a comma-separated list; the sweep "
                    + "trains every combination.",
            "Precedence: options and --set (a later one wins), then --conf FILE, then the defaults shown."
        })
final class SweepCommand extends ConfiguredCommand {
    SweepCommand(MnistSpark.Context context) {
        super(context, SweepConfig.SETTINGS);
    }

    @Override
    public Integer call() throws Exception {
        SweepConfig config = options.load(); // before Spark starts: bad settings cost nothing
        return new Sweep(context.spark().get(), config, context.out()).run().succeeded() ? 0 : MnistSpark.FAILED;
    }
}
