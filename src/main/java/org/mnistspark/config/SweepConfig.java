package org.mnistspark.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The whole configuration of one sweep, typed and validated.
 *
 * <p>Every value comes from one of three layers, highest precedence first:
 * <ol>
 *   <li>the command line ({@code --set key=value} or a named option such as {@code --epochs 3});</li>
 *   <li>the HOCON file given with {@code --conf} (for example {@code conf/mnist-sweep.conf});</li>
 *   <li>the built-in defaults, {@code mnist-spark-defaults.conf} in the jar, which also lists every key.</li>
 * </ol>
 * {@link #origins()} says which layer (file and line) each value came from. Unknown keys and invalid
 * values are rejected by {@link #load} with the key named, before Spark starts.
 *
 * <p>Grid settings hold a list of values: {@link #trials()} is their Cartesian product.
 */
public record SweepConfig(
        String experiment,
        Data data,
        Model model,
        Training training,
        Normalization normalization,
        Output output,
        Map<String, String> origins) {

    /** Where the data is and how it is split among workers. */
    public record Data(String dir, List<Double> trainFraction, int trainLimit, int testLimit,
                       int workers, String minibatchDir) {}

    /** The CNN's hyperparameters (each a grid). */
    public record Model(List<Integer> hiddenChannels, List<Integer> kernelSize, List<Double> dropout) {}

    /** Optimisation and parameter averaging. */
    public record Training(List<Integer> epochs, List<String> optimizer, List<Double> learningRate,
                           List<Double> momentum, List<Integer> batchSize, int batchSizePerWorker,
                           List<Integer> averagingFrequency, int workerPrefetch, List<Long> seed) {}

    /** Input normalization: (pixel / 255 - mean) / std. */
    public record Normalization(double mean, double std) {}

    /** Where results and models go, and how the sweep reports. */
    public record Output(String results, String models, boolean rerun, int progressEvery) {}

    public static final String DEFAULTS_RESOURCE = "mnist-spark-defaults.conf";
    static final String DEFAULTS_ORIGIN = "built-in defaults";
    static final String COMMAND_LINE_ORIGIN = "command line";
    public static final Set<String> OPTIMIZERS = Set.of("sgd", "nesterov", "adam");

    /**
     * Reads the configuration.
     *
     * @param file      the HOCON file: a local path or any Hadoop path (s3a://, hdfs://); null for the
     *                  built-in defaults alone
     * @param overrides command-line settings, each {@code key=value} in HOCON syntax
     * @throws InvalidConfigException naming the file, key or value that is wrong
     */
    public static SweepConfig load(String file, List<String> overrides) {
        Config defaults = ConfigFactory.parseResources(SweepConfig.class.getClassLoader(), DEFAULTS_RESOURCE,
                ConfigParseOptions.defaults().setOriginDescription(DEFAULTS_ORIGIN).setAllowMissing(false));
        Config fromFile = file == null ? ConfigFactory.empty() : readFile(file);
        Config fromCommandLine = ConfigFactory.empty();
        for (String override : overrides) {
            if (!override.contains("=")) {
                throw new InvalidConfigException("--set expects key=value, got '" + override + "'");
            }
            try {
                Config one = ConfigFactory.parseString(override,
                        ConfigParseOptions.defaults().setOriginDescription(COMMAND_LINE_ORIGIN));
                fromCommandLine = one.withFallback(fromCommandLine);
            } catch (ConfigException e) {
                throw new InvalidConfigException("cannot parse command-line setting '" + override + "': "
                        + e.getMessage(), e);
            }
        }
        rejectUnknownKeys(fromFile, defaults);
        rejectUnknownKeys(fromCommandLine, defaults);
        Config merged;
        try {
            merged = fromCommandLine.withFallback(fromFile).withFallback(defaults).resolve();
        } catch (ConfigException e) {
            throw new InvalidConfigException(e.getMessage(), e);
        }
        return fromConfig(new Reader(merged));
    }

    /** Reads a local file, or a Hadoop path such as s3a://bucket/conf/mnist-sweep.conf (no Spark needed). */
    private static Config readFile(String file) {
        ConfigParseOptions options = ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF)
                .setAllowMissing(false).setOriginDescription(file);
        String text;
        try {
            if (file.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*")) {
                Path path = new Path(file);
                FileSystem fs = path.getFileSystem(hadoopConfiguration());
                if (!fs.exists(path)) {
                    throw new InvalidConfigException("configuration file not found: " + file);
                }
                try (InputStream in = fs.open(path)) {
                    text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
            } else {
                File local = new File(file);
                if (!local.isFile()) {
                    throw new InvalidConfigException("configuration file not found: " + file);
                }
                text = Files.readString(local.toPath());
            }
        } catch (IOException e) {
            throw new InvalidConfigException("cannot read configuration file " + file + ": " + e.getMessage(), e);
        }
        try {
            return ConfigFactory.parseString(text, options);
        } catch (ConfigException e) {
            throw new InvalidConfigException("cannot read configuration file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Hadoop's settings before Spark starts: its *-site.xml files plus the spark.hadoop.* settings that
     * spark-submit passes as system properties (an S3 endpoint, say), as Spark itself will apply them.
     */
    static Configuration hadoopConfiguration() {
        Configuration hadoop = new Configuration();
        for (String name : System.getProperties().stringPropertyNames()) {
            if (name.startsWith("spark.hadoop.")) {
                hadoop.set(name.substring("spark.hadoop.".length()), System.getProperty(name));
            }
        }
        return hadoop;
    }

    private static void rejectUnknownKeys(Config layer, Config defaults) {
        for (Map.Entry<String, ConfigValue> entry : layer.entrySet()) {
            String key = entry.getKey();
            if (!defaults.hasPath(key)) {
                throw new InvalidConfigException("unknown setting '" + key + "' ("
                        + entry.getValue().origin().description() + "); known settings are listed in "
                        + DEFAULTS_RESOURCE + " and README.md");
            }
        }
    }

    private static SweepConfig fromConfig(Reader r) {
        String experiment = r.string("experiment", s -> !s.isBlank() && s.length() <= 200, "must be 1 to 200 characters");
        Data data = new Data(
                r.string("data.dir", s -> !s.isBlank(), "must not be empty"),
                r.doubleGrid("data.train-fraction", f -> f > 0 && f <= 1, "must be in (0, 1]"),
                r.integer("data.train-limit", n -> n >= 0, "must be 0 (all) or a positive count"),
                r.integer("data.test-limit", n -> n >= 0, "must be 0 (all) or a positive count"),
                r.integer("data.workers", n -> n >= 0, "must be 0 (all executor cores) or a positive count"),
                r.string("data.minibatch-dir", s -> !s.isBlank(), "must not be empty"));
        Model model = new Model(
                r.intGrid("model.hidden-channels", n -> n > 0, "must be at least 1"),
                r.intGrid("model.kernel-size", SweepConfig::kernelFits, "must be between 1 and 9 so that 28x28 images keep a positive size"),
                r.doubleGrid("model.dropout", p -> p >= 0 && p < 1, "must be in [0, 1)"));
        Training training = new Training(
                r.intGrid("training.epochs", n -> n > 0, "must be at least 1"),
                r.stringGrid("training.optimizer", OPTIMIZERS::contains, "must be sgd, nesterov or adam"),
                r.doubleGrid("training.learning-rate", x -> x > 0 && Double.isFinite(x), "must be positive"),
                r.doubleGrid("training.momentum", m -> m >= 0 && m < 1, "must be in [0, 1)"),
                r.intGrid("training.batch-size", n -> n > 0, "must be at least 1"),
                r.integer("training.batch-size-per-worker", n -> n >= 0, "must be 0 (derived) or a positive count"),
                r.intGrid("training.averaging-frequency", n -> n > 0, "must be at least 1"),
                r.integer("training.worker-prefetch", n -> n >= 0, "must be 0 or more"),
                r.longGrid("training.seed", n -> true, ""));
        if (training.batchSizePerWorker() > 0 && training.batchSize().size() > 1) {
            // Each worker's minibatch is fixed, so every batch size would train the same thing.
            throw new InvalidConfigException("invalid setting training.batch-size = "
                    + r.origins.get("training.batch-size") + ": a grid of batch sizes has no effect while "
                    + "training.batch-size-per-worker = " + r.origins.get("training.batch-size-per-worker")
                    + " fixes each worker's minibatch; set one of them");
        }
        Normalization normalization = new Normalization(
                r.decimal("normalization.mean", Double::isFinite, "must be a finite number"),
                r.decimal("normalization.std", s -> s > 0 && Double.isFinite(s), "must be positive"));
        Output output = new Output(
                r.string("output.results", s -> !s.isBlank(), "must not be empty"),
                r.string("output.models", s -> true, ""),
                r.bool("output.rerun"),
                r.integer("output.progress-every", n -> n > 0, "must be at least 1"));
        return new SweepConfig(experiment, data, model, training, normalization, output, Map.copyOf(r.origins));
    }

    /** Conv k, pool 2, conv k, pool 2 on 28x28 must leave at least 1x1. */
    static boolean kernelFits(int k) {
        if (k < 1) {
            return false;
        }
        int afterFirst = (28 - k + 1) / 2;
        return afterFirst >= k && (afterFirst - k + 1) / 2 >= 1;
    }

    /**
     * Every combination of the grid values, in a stable order (later keys vary fastest). Adam ignores
     * momentum, so it is trained once, with the momentum grid's first value, not once per momentum.
     */
    public List<TrialSpec> trials() {
        List<TrialSpec> trials = new ArrayList<>();
        for (double fraction : data.trainFraction())
            for (long seed : training.seed())
                for (int epochs : training.epochs())
                    for (String optimizer : training.optimizer())
                        for (double lr : training.learningRate())
                            for (double momentum : usedMomentum(optimizer))
                                for (int batch : training.batchSize())
                                    for (int averaging : training.averagingFrequency())
                                        for (int kernel : model.kernelSize())
                                            for (double dropout : model.dropout())
                                                for (int hidden : model.hiddenChannels())
                                                    trials.add(new TrialSpec(hidden, kernel, dropout, epochs,
                                                            optimizer, lr, momentum, batch, averaging, seed, fraction));
        return trials;
    }

    private List<Double> usedMomentum(String optimizer) {
        return optimizer.equals("adam") ? training.momentum().subList(0, 1) : training.momentum();
    }

    /** One line per setting: key = value (where it came from). */
    public String describe() {
        StringBuilder out = new StringBuilder();
        int width = origins.keySet().stream().mapToInt(String::length).max().orElse(0);
        for (Map.Entry<String, String> e : new TreeMap<>(origins).entrySet()) {
            out.append(String.format("  %-" + width + "s = %s%n", e.getKey(), e.getValue()));
        }
        return out.toString();
    }

    /** Typed access to the merged configuration that records each value's origin. */
    private static final class Reader {
        private final Config config;
        final Map<String, String> origins = new TreeMap<>();

        Reader(Config config) {
            this.config = config;
        }

        private ConfigValue value(String key) {
            ConfigValue value;
            try {
                value = config.getValue(key);
            } catch (ConfigException e) { // e.g. --set data=5 replaced a whole section, or a value is null
                throw new InvalidConfigException("invalid setting " + key + ": " + e.getMessage(), e);
            }
            origins.put(key, value.render(ConfigRenderOptions.concise()) + "  (" + origin(value) + ")");
            return value;
        }

        private static String origin(ConfigValue value) {
            String description = value.origin().description();
            return description.startsWith(COMMAND_LINE_ORIGIN) ? COMMAND_LINE_ORIGIN : description;
        }

        private InvalidConfigException invalid(String key, ConfigValue value, String problem) {
            return new InvalidConfigException("invalid setting " + key + " = "
                    + value.render(ConfigRenderOptions.concise()) + " (" + origin(value) + "): " + problem);
        }

        private <T> T scalar(String key, ConfigValue value, Function<Object, T> convert, String expected) {
            try {
                return convert.apply(value.unwrapped());
            } catch (RuntimeException e) {
                throw invalid(key, value, "expected " + expected);
            }
        }

        private <T> List<T> grid(String key, Function<Object, T> convert, String expected,
                                 Predicate<T> valid, String rule) {
            ConfigValue value = value(key);
            List<T> values = new ArrayList<>();
            if (value.valueType() == ConfigValueType.LIST) {
                for (Object element : (List<?>) value.unwrapped()) {
                    try {
                        values.add(convert.apply(element));
                    } catch (RuntimeException e) {
                        throw invalid(key, value, "expected each value of the list to be " + expected);
                    }
                }
                if (values.isEmpty()) {
                    throw invalid(key, value, "the grid is empty; give at least one value");
                }
            } else {
                values.add(scalar(key, value, convert, expected + " or a list of them"));
            }
            for (T v : values) {
                if (!valid.test(v)) {
                    throw invalid(key, value, (values.size() > 1 ? v + " " : "") + rule);
                }
            }
            if (values.stream().distinct().count() != values.size()) {
                throw invalid(key, value, "a grid value is listed twice");
            }
            return List.copyOf(values);
        }

        private <T> T single(String key, Function<Object, T> convert, String expected, Predicate<T> valid, String rule) {
            ConfigValue value = value(key);
            T v = scalar(key, value, convert, expected);
            if (!valid.test(v)) {
                throw invalid(key, value, rule);
            }
            return v;
        }

        String string(String key, Predicate<String> valid, String rule) {
            return single(key, Reader::toText, "a string", valid, rule);
        }

        int integer(String key, Predicate<Integer> valid, String rule) {
            return single(key, Reader::toInt, "an integer", valid, rule);
        }

        double decimal(String key, Predicate<Double> valid, String rule) {
            return single(key, Reader::toDouble, "a number", valid, rule);
        }

        boolean bool(String key) {
            return single(key, o -> {
                if (o instanceof Boolean b) return b;
                if ("true".equals(o) || "false".equals(o)) return Boolean.parseBoolean((String) o);
                throw new IllegalArgumentException();
            }, "true or false", b -> true, "");
        }

        List<Integer> intGrid(String key, Predicate<Integer> valid, String rule) {
            return grid(key, Reader::toInt, "an integer", valid, rule);
        }

        List<Long> longGrid(String key, Predicate<Long> valid, String rule) {
            return grid(key, o -> (long) toLong(o), "an integer", valid, rule);
        }

        List<Double> doubleGrid(String key, Predicate<Double> valid, String rule) {
            return grid(key, Reader::toDouble, "a number", valid, rule);
        }

        List<String> stringGrid(String key, Predicate<String> valid, String rule) {
            return grid(key, Reader::toText, "a string", valid, rule);
        }

        private static String toText(Object o) {
            if (o instanceof String s) return s;
            if (o instanceof Number || o instanceof Boolean) return String.valueOf(o);
            throw new IllegalArgumentException();
        }

        private static long toLong(Object o) {
            if (o instanceof Integer || o instanceof Long) return ((Number) o).longValue();
            if (o instanceof String s) return Long.parseLong(s.trim());
            throw new IllegalArgumentException();
        }

        private static int toInt(Object o) {
            return Math.toIntExact(toLong(o));
        }

        private static double toDouble(Object o) {
            if (o instanceof Number n) return n.doubleValue();
            if (o instanceof String s) return Double.parseDouble(s.trim());
            throw new IllegalArgumentException();
        }
    }
}
