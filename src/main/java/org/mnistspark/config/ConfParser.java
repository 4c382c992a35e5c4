package org.mnistspark.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.mnistspark.storage.Storage;

/**
 * The mechanism behind {@link SweepConfig} (its declarations are the {@link Setting}s): three layers
 * of HOCON, highest precedence first, the command line, a {@code --conf} file, and the declared
 * defaults; unknown keys rejected; each value read, checked and recorded with the layer (file and
 * line) it came from.
 */
final class ConfParser {
    static final String DEFAULTS_ORIGIN = "built-in defaults";
    static final String COMMAND_LINE_ORIGIN = "command line";

    private final Config merged;
    private final Map<String, String> origins = new TreeMap<>();
    private final List<String> warnings;

    private ConfParser(Config merged, List<String> warnings) {
        this.merged = merged;
        this.warnings = List.copyOf(warnings);
    }

    /**
     * @param declared  every setting there is; any other key is rejected
     * @param file      a HOCON file, local or any Hadoop path; null for none
     * @param overrides command-line settings in order, each {@code key=value} in HOCON syntax; a later
     *                  one wins
     * @param retired   keys an older version had, each with why it is gone: ignored with a warning, so
     *                  that an old file or scheduler still runs
     */
    static ConfParser load(
            Collection<Setting<?>> declared, Map<String, String> retired, String file, List<String> overrides) {
        return load(declared, retired, file, overrides, Set.of());
    }

    /**
     * As {@link #load(Collection, Map, String, List)}, with open blocks: paths (such as {@code search.space})
     * whose keys are not declared settings but are read with {@link #block} by the record that owns them.
     * Within a block a higher layer replaces a lower one key by key: a key set on the command line
     * ({@code search.space.model.dropout.choice}) replaces what the file says about {@code model.dropout}
     * under that block, instead of merging into it.
     */
    static ConfParser load(
            Collection<Setting<?>> declared,
            Map<String, String> retired,
            String file,
            List<String> overrides,
            Set<String> blocks) {
        Map<String, Object> defaults = new LinkedHashMap<>();
        declared.forEach(s -> defaults.put(s.key(), s.defaultValue()));
        Set<String> known = defaults.keySet();
        Config fromFile = file == null ? ConfigFactory.empty() : readFile(file);
        Config fromCommandLine = ConfigFactory.empty();
        for (String override : overrides) {
            if (!override.contains("=")) {
                throw new InvalidConfigException("--set expects key=value, got '" + override + "'");
            }
            try {
                Config one = ConfigFactory.parseString(
                        override, ConfigParseOptions.defaults().setOriginDescription(COMMAND_LINE_ORIGIN));
                fromCommandLine = one.withFallback(fromCommandLine);
            } catch (ConfigException e) {
                throw new InvalidConfigException(
                        "cannot parse command-line setting '" + override + "': " + e.getMessage(), e);
            }
        }
        List<String> warnings = new ArrayList<>();
        fromFile = withoutRetired(fromFile, retired, warnings);
        fromCommandLine = withoutRetired(fromCommandLine, retired, warnings);
        rejectUnknownKeys(fromFile, known, blocks);
        rejectUnknownKeys(fromCommandLine, known, blocks);
        for (String block : blocks) {
            fromFile = withoutReplaced(fromFile, fromCommandLine, block);
        }
        try {
            return new ConfParser(
                    fromCommandLine
                            .withFallback(fromFile)
                            .withFallback(ConfigFactory.parseMap(defaults, DEFAULTS_ORIGIN))
                            .resolve(),
                    warnings);
        } catch (ConfigException e) {
            throw new InvalidConfigException(e.getMessage(), e);
        }
    }

    /** The setting's checked value; also records where it came from. */
    <T> T get(Setting<T> setting) {
        ConfigValue value;
        try {
            value = merged.getValue(setting.key());
        } catch (ConfigException e) { // --set training.epochs=null, say
            throw new InvalidConfigException("invalid setting " + setting.key() + ": " + e.getMessage(), e);
        }
        T typed;
        try {
            typed = setting.read(value);
        } catch (IllegalArgumentException problem) {
            throw new InvalidConfigException("invalid setting " + setting.key() + " = " + render(value.unwrapped())
                    + " (" + origin(value) + "): " + problem.getMessage());
        }
        origins.put(setting.key(), render(typed) + "  (" + origin(value) + ")");
        return typed;
    }

    /**
     * The values under an open block (see {@link #load(Collection, Map, String, List, Set)}), keyed by
     * their path below it, in key order; empty if the block is absent.
     */
    Map<String, ConfigValue> block(String block) {
        Map<String, ConfigValue> values = new TreeMap<>();
        if (merged.hasPath(block)) {
            ConfigValue value = merged.getValue(block);
            if (value.valueType() != ConfigValueType.OBJECT) {
                throw invalid(block, value, "expected an object of keys, as in " + block + " { KEY { ... } }");
            }
            merged.getConfig(block).entrySet().forEach(e -> values.put(e.getKey(), e.getValue()));
        }
        return values;
    }

    /**
     * Reads one value of a block with {@code read}, which throws an IllegalArgumentException saying what
     * is wrong; that becomes an InvalidConfigException naming the key, the value and its origin. The
     * origin is recorded under {@code key}, with the value as {@code render} prints it.
     */
    <T> T read(String key, ConfigValue value, Function<ConfigValue, T> read, Function<T, String> render) {
        T typed;
        try {
            typed = read.apply(value);
        } catch (IllegalArgumentException problem) {
            throw invalid(key, value, problem.getMessage());
        }
        origins.put(key, render.apply(typed) + "  (" + origin(value) + ")");
        return typed;
    }

    /** An error about {@code key} = {@code value}, naming where the value came from. */
    static InvalidConfigException invalid(String key, ConfigValue value, String problem) {
        return new InvalidConfigException(
                "invalid setting " + key + " = " + render(value.unwrapped()) + " (" + origin(value) + "): " + problem);
    }

    /** What was ignored, and why. */
    List<String> warnings() {
        return warnings;
    }

    private static Config withoutRetired(Config layer, Map<String, String> retired, List<String> warnings) {
        for (Map.Entry<String, String> gone : retired.entrySet()) {
            if (layer.hasPathOrNull(gone.getKey())) {
                warnings.add("ignored " + gone.getKey() + " (" + origin(layer.getValue(gone.getKey()))
                        + "): no longer used; " + gone.getValue());
                layer = layer.withoutPath(gone.getKey());
            }
        }
        return layer;
    }

    /** key → "value  (origin)" of every setting read so far. */
    Map<String, String> origins() {
        return Map.copyOf(origins);
    }

    private static String origin(ConfigValue value) {
        String description = value.origin().description();
        return description.startsWith(COMMAND_LINE_ORIGIN) ? COMMAND_LINE_ORIGIN : description;
    }

    static String render(Object value) {
        if (value instanceof Map<?, ?> map) {
            return map.entrySet().stream()
                    .map(e -> e.getKey() + "=" + render(e.getValue()))
                    .collect(Collectors.joining(", ", "{", "}"));
        }
        if (value instanceof List<?> list) {
            return list.stream().map(ConfParser::render).collect(Collectors.joining(", ", "[", "]"));
        }
        return value instanceof String text && text.isEmpty() ? "\"\"" : String.valueOf(value);
    }

    private static void rejectUnknownKeys(Config layer, Set<String> known, Set<String> blocks) {
        for (Map.Entry<String, ConfigValue> entry : layer.entrySet()) {
            String key = entry.getKey();
            if (!known.contains(key) && blocks.stream().noneMatch(block -> key.startsWith(block + "."))) {
                throw new InvalidConfigException("unknown setting '" + key + "' ("
                        + origin(entry.getValue()) + "); every setting and its option is listed by "
                        + (!blocks.isEmpty()
                                ? "'tune --help'"
                                : key.startsWith("search.")
                                        ? "'tune --help' (the search block is read by the tune command only)"
                                        : "'sweep --help'")
                        + " and in docs/settings.md");
            }
        }
    }

    /**
     * {@code lower} without what {@code higher} replaces in {@code block}: for every value there, the
     * object that holds it (for {@code model.dropout.choice}, {@code model.dropout}).
     */
    private static Config withoutReplaced(Config lower, Config higher, String block) {
        if (!higher.hasPath(block)
                || higher.getValue(block).valueType() != ConfigValueType.OBJECT
                || !lower.hasPath(block)
                || lower.getValue(block).valueType() != ConfigValueType.OBJECT) {
            return lower; // nothing to replace key by key; the merged value is checked when the block is read
        }
        for (String key : higher.getConfig(block).entrySet().stream()
                .map(Map.Entry::getKey)
                .toList()) {
            List<String> path = ConfigUtil.splitPath(key);
            String holder =
                    block + "." + ConfigUtil.joinPath(path.size() > 1 ? path.subList(0, path.size() - 1) : path);
            lower = lower.withoutPath(holder);
        }
        return lower;
    }

    /** A local file, or a Hadoop path such as s3a://bucket/conf/sweep.conf (no Spark needed). */
    private static Config readFile(String file) {
        String text;
        try {
            if (file.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*")) {
                Path path = new Path(file);
                FileSystem fs = path.getFileSystem(Storage.hadoopConfiguration());
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
            return ConfigFactory.parseString(
                    text,
                    ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF).setOriginDescription(file));
        } catch (IOException | ConfigException e) {
            throw new InvalidConfigException("cannot read configuration file " + file + ": " + e.getMessage(), e);
        }
    }
}
