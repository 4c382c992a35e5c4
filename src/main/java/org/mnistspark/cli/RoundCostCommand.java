package org.mnistspark.cli;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.mnistspark.config.Optimizer;
import org.mnistspark.model.CnnSpec;
import org.mnistspark.model.NativeRuntime;
import org.mnistspark.training.RoundCost;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "round-cost",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        usageHelpWidth = 110,
        description = {
            "Measures what an averaging round of the persistent engine costs on this Spark besides "
                    + "fitting (the broadcast of the averaged state, the Spark job, the mean on the driver) for several "
                    + "workers per round, and how many rounds per second the driver runs when several trials run "
                    + "rounds at once. Writes nothing; submit/benchmark.sh --scale models sweep times from it."
        })
final class RoundCostCommand implements Callable<Integer> {
    private final MnistSpark.Context context;

    @Option(
            names = "--workers",
            split = ",",
            paramLabel = "N[,N...]",
            description = "Tasks per round. Default: 2,4,8,16.")
    List<Integer> workers = List.of(2, 4, 8, 16);

    @Option(
            names = "--trials",
            split = ",",
            paramLabel = "N[,N...]",
            description = "Trials running rounds of 2 tasks at once. Default: 1,2,4,8,16.")
    List<Integer> trials = List.of(1, 2, 4, 8, 16);

    @Option(names = "--rounds", paramLabel = "N", description = "Rounds measured per row. Default: 30.")
    int rounds = 30;

    @Option(names = "--hidden-channels", paramLabel = "N", description = "The network's hidden channels. Default: 10.")
    int hidden = 10;

    RoundCostCommand(MnistSpark.Context context) {
        this.context = context;
    }

    @Override
    public Integer call() throws Exception {
        if (rounds < 1
                || hidden < 1
                || workers.stream().anyMatch(n -> n < 1)
                || trials.stream().anyMatch(n -> n < 1)) {
            throw new InvalidArgumentException(
                    "--rounds, --hidden-channels, --workers and --trials must be at least 1");
        }
        NativeRuntime.configure();
        var spark = context.spark().get();
        RoundCost cost = new RoundCost(spark.sparkContext(), new CnnSpec(hidden, 5, 0.2, Optimizer.SGD, 0.01, 0.5, 1));
        var out = context.out();
        out.printf(
                Locale.ROOT,
                "round cost on %s, %d default parallelism, network h = %d (%d parameters), medians of %d "
                        + "rounds:%n",
                spark.sparkContext().master(),
                spark.sparkContext().defaultParallelism(),
                hidden,
                cost.parameters(),
                rounds);
        out.println("| workers | broadcast ms | job ms | mean ms | round ms | bytes back |");
        out.println("|---|---|---|---|---|---|");
        for (int n : workers) {
            RoundCost.Sequential r = cost.sequential(n, rounds);
            out.printf(
                    Locale.ROOT,
                    "| %d | %.2f | %.2f | %.2f | %.2f | %d |%n",
                    r.workers(),
                    r.broadcastMs(),
                    r.jobMs(),
                    r.meanMs(),
                    r.roundMs(),
                    r.bytesBack());
        }
        out.println();
        out.println("| trials at once | rounds | rounds/s (driver) | median round ms |");
        out.println("|---|---|---|---|");
        for (int t : trials) {
            RoundCost.Concurrent c = cost.concurrent(t, rounds);
            out.printf(
                    Locale.ROOT,
                    "| %d | %d | %.1f | %.2f |%n",
                    c.trials(),
                    c.rounds(),
                    c.roundsPerSecond(),
                    c.medianRoundMs());
        }
        return 0;
    }
}
