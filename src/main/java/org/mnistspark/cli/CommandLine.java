package org.mnistspark.cli;

import com.typesafe.config.ConfigUtil;
import org.mnistspark.config.InvalidConfigException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The job's arguments: {@code [sweep|query] [--conf FILE] [--set key=value]... [named options] [SQL]}.
 * Named options are shorthands for {@code --set}; see {@link #USAGE}.
 */
record CommandLine(String command, String confFile, List<String> overrides, String sql, String stageTarget) {

    static final String USAGE = """
            usage: mnist-spark [sweep] [--conf FILE] [--set key=value]... [options]
                   mnist-spark query [--conf FILE] [--results PATH] ["SQL"]
                   mnist-spark stage [--data PATH] --to PATH

            sweep (the default) trains every configuration of the grid and writes the results table.
            query runs Spark SQL over the results table (views: trials, epochs) and prints the result;
                  without SQL it prints the best configuration per experiment.
            stage copies the MNIST files of data.dir, SHA-256 verified, to another Hadoop path
                  (for example --to s3a://bucket/mnist), for clusters to read.

              --conf FILE            HOCON settings (for example conf/mnist-sweep.conf; any Hadoop path)
              --set key=value        any setting, HOCON syntax: --set training.epochs=3,
                                     --set 'model.hidden-channels=[2,5]'
              --experiment NAME      = --set experiment=NAME
              --data PATH            = --set data.dir=PATH          (folder of the MNIST IDX files)
              --results PATH         = --set output.results=PATH    (the results table)
              --models PATH          = --set output.models=PATH     ("" saves no models)
              --workers N            = --set data.workers=N         (0: all executor cores)
              --epochs N             = --set training.epochs=N
              --hidden-channels LIST = --set model.hidden-channels=[LIST]  (for example 2,5,10)
              --train-fraction F     = --set data.train-fraction=F
              --train-limit N        = --set data.train-limit=N     (first N training images)
              --test-limit N         = --set data.test-limit=N
              --rerun                = --set output.rerun=true      (train finished trials again)
              --help                 this text
            Precedence: command line, then --conf FILE, then the built-in defaults.
            """;

    /** Keys whose named option is always text, so that --experiment 007 stays "007", not 7. */
    private static final Set<String> TEXT_KEYS = Set.of("experiment", "data.dir", "output.results", "output.models");

    /** Named option → configuration key. */
    private static final Map<String, String> NAMED = Map.ofEntries(
            Map.entry("--experiment", "experiment"),
            Map.entry("--data", "data.dir"),
            Map.entry("--results", "output.results"),
            Map.entry("--models", "output.models"),
            Map.entry("--workers", "data.workers"),
            Map.entry("--epochs", "training.epochs"),
            Map.entry("--hidden-channels", "model.hidden-channels"),
            Map.entry("--train-fraction", "data.train-fraction"),
            Map.entry("--train-limit", "data.train-limit"),
            Map.entry("--test-limit", "data.test-limit"));

    static CommandLine parse(String[] args) {
        String command = "sweep";
        String conf = null;
        List<String> overrides = new ArrayList<>();
        String sql = null;
        String stageTarget = null;
        int i = 0;
        if (args.length > 0 && List.of("sweep", "query", "stage").contains(args[0])) {
            command = args[0];
            i = 1;
        }
        for (; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                return new CommandLine("help", null, List.of(), null, null);
            } else if (arg.equals("--rerun")) {
                overrides.add("output.rerun=true");
            } else if (arg.equals("--conf")) {
                conf = value(args, ++i, arg);
            } else if (arg.equals("--to") && command.equals("stage")) {
                stageTarget = value(args, ++i, arg);
            } else if (arg.equals("--set")) {
                overrides.add(value(args, ++i, arg));
            } else if (NAMED.containsKey(arg)) {
                String key = NAMED.get(arg);
                String value = value(args, ++i, arg);
                overrides.add(key + "=" + (key.equals("model.hidden-channels") ? "[" + value + "]"
                        : TEXT_KEYS.contains(key) ? ConfigUtil.quoteString(value) : quoted(value)));
            } else if (arg.startsWith("-")) {
                throw new InvalidConfigException("unknown option " + arg + "\n\n" + USAGE);
            } else if (command.equals("query") && sql == null) {
                sql = arg;
            } else {
                throw new InvalidConfigException("unexpected argument '" + arg + "'\n\n" + USAGE);
            }
        }
        if (command.equals("stage") && stageTarget == null) {
            throw new InvalidConfigException("stage needs --to PATH\n\n" + USAGE);
        }
        return new CommandLine(command, conf, List.copyOf(overrides), sql, stageTarget);
    }

    private static String value(String[] args, int index, String option) {
        if (index >= args.length || args[index].startsWith("--")) { // --experiment --epochs 2: a value is missing
            throw new InvalidConfigException(option + " needs a value\n\n" + USAGE);
        }
        return args[index];
    }

    /** Numbers and booleans stay bare so typed keys keep their type; everything else is a quoted string. */
    private static String quoted(String value) {
        if (value.matches("-?[0-9]+(\\.[0-9]+)?([eE]-?[0-9]+)?|true|false")) {
            return value;
        }
        return ConfigUtil.quoteString(value);
    }
}
