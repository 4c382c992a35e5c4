package org.mnistspark.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import org.mnistspark.config.SweepConfig;
import org.mnistspark.results.ResultsTable;
import org.mnistspark.results.Vacuum;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "vacuum",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Removes what the results table no longer needs: runs a rerun superseded (rows and "
                    + "models) and, older than --older-than, leftovers of interrupted commits (_staging/, epoch rows of "
                    + "runs that never committed), expired claims and model files no row names. Sweeps never delete "
                    + "these themselves, since another sweep may be writing beside them."
        })
final class VacuumCommand extends ConfiguredCommand {
    @Option(
            names = "--older-than",
            paramLabel = "AGE",
            defaultValue = "1h",
            description = "Leftovers younger than this stay (a sweep may still write them): 90s, 30m, 6h, 2d. "
                    + "Default: ${DEFAULT-VALUE}.")
    String olderThan;

    @Option(names = "--dry-run", description = "Only print what would be removed.")
    boolean dryRun;

    VacuumCommand(MnistSpark.Context context) {
        super(context, SweepConfig.OUTPUT_LOCATIONS);
    }

    @Override
    public Integer call() throws Exception {
        SweepConfig config = options.load();
        Duration age = parseAge(olderThan);
        var spark = context.spark().get();
        ResultsTable table = new ResultsTable(spark, config.output().results());
        table.checkUsable();
        Vacuum.Result result = new Vacuum(table, spark.sparkContext().hadoopConfiguration())
                .run(config.output().models(), age, dryRun);
        String verb = dryRun ? "would remove" : "removed";
        print(verb + " superseded runs", result.supersededRuns());
        print(verb + " interrupted commits in _staging/", result.staging());
        print(verb + " epoch files of runs that never committed", result.orphanEpochFiles());
        print(verb + " model files no row names", result.orphanModels());
        context.out()
                .printf(
                        Locale.ROOT,
                        "%s %d expired claim%s; %s: %d in all%n",
                        verb,
                        result.expiredClaims(),
                        result.expiredClaims() == 1 ? "" : "s",
                        table.location(),
                        result.total());
        return 0;
    }

    private void print(String what, List<String> paths) {
        context.out().println(what + ": " + paths.size());
        paths.forEach(path -> context.out().println("  " + path));
    }

    static Duration parseAge(String text) {
        try {
            if (text.matches("\\d+[smhd]")) {
                long amount = Long.parseLong(text.substring(0, text.length() - 1));
                return switch (text.charAt(text.length() - 1)) {
                    case 's' -> Duration.ofSeconds(amount);
                    case 'm' -> Duration.ofMinutes(amount);
                    case 'h' -> Duration.ofHours(amount);
                    default -> Duration.ofDays(amount);
                };
            }
            return Duration.parse(text);
        } catch (DateTimeParseException e) {
            throw new InvalidArgumentException(
                    "invalid --older-than " + text + ": expected for example 90s, 30m, 6h, " + "2d or PT1H");
        }
    }
}
