package org.mnistspark.config;

import static org.mnistspark.config.Setting.DOUBLE;
import static org.mnistspark.config.Setting.INT;
import static org.mnistspark.config.Setting.LONG;

import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The {@code search} block of a tuning job ({@code tune}): how it proposes configurations and how many
 * epochs each may train. Its settings are declared like every other; its {@code space} is an open block
 * of distributions over grid keys, read here through the same parser and checked with each grid key's
 * own rule:
 * <pre>
 * search {
 *   strategy = asha            # or random
 *   seed = 1
 *   trials = 20                # configurations proposed
 *   min-epochs = 1, max-epochs = 9, eta = 3
 *   space {
 *     model.hidden-channels { int-uniform = [8, 32] }
 *     training.learning-rate { log-uniform = [0.0005, 0.005] }
 *     model.dropout { choice = [0.0, 0.1, 0.2] }
 *   }
 * }
 * </pre>
 *
 * @param space every grid key but the epochs (the budget), in the grid's order, with how it is drawn
 */
public record SearchOptions(
        SearchStrategy strategy,
        long seed,
        int trials,
        int minEpochs,
        int maxEpochs,
        int eta,
        Map<String, Distribution> space) {
    /** The open block of distributions. */
    static final String SPACE = "search.space";

    static final Setting<SearchStrategy> STRATEGY = Setting.single(
            "search.strategy",
            "--strategy",
            Setting.choice(SearchStrategy.class),
            SearchStrategy.ASHA,
            java.util.Objects::nonNull,
            Setting.oneOf(SearchStrategy.class),
            "random: every configuration trains max-epochs. asha: asynchronous successive halving; every "
                    + "configuration trains min-epochs, and each rung promotes its top 1/eta to eta times the epochs, "
                    + "up to max-epochs.");
    static final Setting<Long> SEED = Setting.single(
            "search.seed",
            "--search-seed",
            LONG,
            1L,
            n -> true,
            "",
            "Seeds the proposals: the same seed proposes the same configurations in the same order (a run again "
                    + "resumes the job).");
    static final Setting<Integer> TRIALS = Setting.single(
            "search.trials",
            "--trials",
            INT,
            9,
            n -> n >= 1 && n <= 10_000,
            "must be 1 to 10,000",
            "Configurations to propose (fewer if the space holds fewer distinct ones).");
    static final Setting<Integer> MIN_EPOCHS = Setting.single(
            "search.min-epochs",
            "--min-epochs",
            INT,
            1,
            n -> n >= 1,
            "must be at least 1",
            "asha: the first rung's epochs, which every configuration trains.");
    static final Setting<Integer> MAX_EPOCHS = Setting.single(
            "search.max-epochs",
            "--max-epochs",
            INT,
            9,
            n -> n >= 1,
            "must be at least 1",
            "The last rung's epochs (asha), or every configuration's (random).");
    static final Setting<Integer> ETA = Setting.single(
            "search.eta",
            "--eta",
            INT,
            3,
            n -> n >= 2,
            "must be at least 2",
            "asha's reduction factor: a rung promotes its top 1/eta, and the next rung trains eta times the epochs.");

    /** The search block's own settings (its space is read from the open block {@code search.space}). */
    public static final List<Setting<?>> SETTINGS = List.of(STRATEGY, SEED, TRIALS, MIN_EPOCHS, MAX_EPOCHS, ETA);

    public SearchOptions {
        space = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(space));
    }

    /**
     * Reads the block: its settings, then its space over the grid's hyperparameters (in the grid's order),
     * each distribution checked with its key's rule, and hyperparameters it does not name kept as the grid
     * has them.
     */
    static SearchOptions read(ConfParser p, Grid grid) {
        SearchStrategy strategy = p.get(STRATEGY);
        long seed = p.get(SEED);
        int trials = p.get(TRIALS);
        int minEpochs = p.get(MIN_EPOCHS);
        int maxEpochs = p.get(MAX_EPOCHS);
        int eta = p.get(ETA);
        if (minEpochs > maxEpochs) {
            throw new InvalidConfigException(
                    "invalid setting " + MIN_EPOCHS.key() + " = " + p.origins().get(MIN_EPOCHS.key()) + ": more than "
                            + MAX_EPOCHS.key() + " = " + p.origins().get(MAX_EPOCHS.key()));
        }
        Map<String, Setting<?>> grids = new LinkedHashMap<>();
        grid.values().keySet().forEach(h -> grids.put(h.key(), h.setting()));
        Map<String, Distribution> declared = readSpace(p, grids);
        Map<String, Distribution> space = new LinkedHashMap<>();
        for (Map.Entry<Hyperparameter<?>, List<?>> dimension : grid.values().entrySet()) {
            String key = dimension.getKey().key();
            if (dimension.getKey() == Hyperparameters.EPOCHS) {
                continue; // the budget: the rungs' epochs
            }
            List<?> values = dimension.getValue();
            space.put(
                    key,
                    declared.containsKey(key)
                            ? declared.get(key)
                            : values.size() == 1
                                    ? new Distribution.Fixed(values.get(0))
                                    : new Distribution.Choice(values));
        }
        return new SearchOptions(strategy, seed, trials, minEpochs, maxEpochs, eta, space);
    }

    /**
     * The epochs each rung trains a configuration to: asha's min-epochs × eta^k while below max-epochs,
     * then max-epochs (1, 3, 9 for 1, 9, 3; 1, 3, 9, 10 for a max of 10); random's one rung of max-epochs.
     */
    public List<Integer> rungs() {
        List<Integer> rungs = new ArrayList<>();
        if (strategy == SearchStrategy.ASHA) {
            for (long epochs = minEpochs; epochs < maxEpochs; epochs *= eta) {
                rungs.add((int) epochs);
            }
        }
        rungs.add(maxEpochs);
        return List.copyOf(rungs);
    }

    /** The keys whose values are drawn (not fixed). */
    public Set<String> drawnKeys() {
        return space.entrySet().stream()
                .filter(e -> !(e.getValue() instanceof Distribution.Fixed))
                .map(Map.Entry::getKey)
                .collect(Collectors.toCollection(java.util.LinkedHashSet::new));
    }

    private static Map<String, Distribution> readSpace(ConfParser p, Map<String, Setting<?>> grids) {
        Set<String> settings = SweepConfig.SETTINGS.stream().map(Setting::key).collect(Collectors.toSet());
        Map<String, Map<String, ConfigValue>> byKey = new TreeMap<>();
        for (Map.Entry<String, ConfigValue> entry : p.block(SPACE).entrySet()) {
            List<String> path = ConfigUtil.splitPath(entry.getKey());
            String whole = String.join(".", path);
            String key = String.join(".", path.subList(0, path.size() - 1));
            String kind = path.get(path.size() - 1);
            String name = SPACE + "." + whole;
            ConfigValue value = entry.getValue();
            if (settings.contains(whole)) {
                throw ConfParser.invalid(
                        name,
                        value,
                        "give a distribution, for example " + SPACE + "." + whole
                                + " { choice = [...] }, or " + String.join(", ", Distribution.KINDS.subList(1, 4))
                                + " = [low, high]");
            }
            if (!settings.contains(key)) {
                throw ConfParser.invalid(
                        name,
                        value,
                        "'" + (key.isEmpty() ? whole : key) + "' is not a setting; " + "a search draws grid keys: "
                                + String.join(", ", searchable(grids)));
            }
            if (!grids.containsKey(key)) {
                throw ConfParser.invalid(
                        name,
                        value,
                        key + " is not a grid key; a search draws grid keys: " + String.join(", ", searchable(grids)));
            }
            if (key.equals(Hyperparameters.EPOCHS.key())) {
                throw ConfParser.invalid(
                        name,
                        value,
                        "the epochs are the search's budget: set search.min-epochs " + "and search.max-epochs");
            }
            if (!Distribution.KINDS.contains(kind)) {
                throw ConfParser.invalid(
                        name,
                        value,
                        "unknown distribution '" + kind + "'; choose " + String.join(", ", Distribution.KINDS));
            }
            byKey.computeIfAbsent(key, k -> new TreeMap<>()).put(kind, value);
        }
        Map<String, Distribution> space = new LinkedHashMap<>();
        for (Map.Entry<String, Map<String, ConfigValue>> entry : byKey.entrySet()) {
            String key = entry.getKey();
            if (entry.getValue().size() > 1) {
                Map.Entry<String, ConfigValue> second =
                        new ArrayList<>(entry.getValue().entrySet()).get(1);
                throw ConfParser.invalid(
                        SPACE + "." + key + "." + second.getKey(),
                        second.getValue(),
                        "one distribution per key, and " + key + " has "
                                + String.join(" and ", entry.getValue().keySet()));
            }
            Map.Entry<String, ConfigValue> only =
                    entry.getValue().entrySet().iterator().next();
            Setting<?> setting = grids.get(key);
            space.put(
                    key,
                    p.read(
                            SPACE + "." + key + "." + only.getKey(),
                            only.getValue(),
                            value -> distribution(setting, only.getKey(), value),
                            Distribution::describe));
        }
        return space;
    }

    private static List<String> searchable(Map<String, Setting<?>> grids) {
        return grids.keySet().stream()
                .filter(k -> !k.equals(Hyperparameters.EPOCHS.key()))
                .toList();
    }

    /** One declared distribution, its values or bounds checked with the key's own rule. */
    private static Distribution distribution(Setting<?> setting, String kind, ConfigValue value) {
        if (kind.equals(Distribution.CHOICE)) {
            if (value.valueType() != ConfigValueType.LIST) {
                throw new IllegalArgumentException("expected a list of values: choice = [a, b, ...]");
            }
            return new Distribution.Choice((List<?>) setting.read(value));
        }
        Setting.Type<?> type = setting.type();
        boolean integers = type == INT || type == LONG;
        if (kind.equals(Distribution.INT_UNIFORM) ? !integers : type != DOUBLE) {
            throw new IllegalArgumentException(setting.key() + " takes " + type.expected() + ": use "
                    + (type == DOUBLE ? "uniform, log-uniform" : integers ? "int-uniform" : "") + " or choice");
        }
        if (value.valueType() != ConfigValueType.LIST || ((List<?>) value.unwrapped()).size() != 2) {
            throw new IllegalArgumentException("expected two bounds: " + kind + " = [low, high]");
        }
        List<?> bounds = (List<?>) value.unwrapped();
        Object low = bound(setting, "low", bounds.get(0));
        Object high = bound(setting, "high", bounds.get(1));
        if (((Number) low).doubleValue() > ((Number) high).doubleValue()) {
            throw new IllegalArgumentException("low " + low + " is above high " + high);
        }
        if (kind.equals(Distribution.INT_UNIFORM)) {
            long from = ((Number) low).longValue();
            long to = ((Number) high).longValue();
            if (to - from <= 10_000) { // a rule need not be a range (kernel sizes): check every value
                for (long v = from; v <= to; v++) {
                    bound(setting, "value", v);
                }
            }
            return new Distribution.IntUniform(from, to);
        }
        double from = ((Number) low).doubleValue();
        double to = ((Number) high).doubleValue();
        if (kind.equals(Distribution.LOG_UNIFORM)) {
            if (from <= 0) {
                throw new IllegalArgumentException(
                        "log-uniform needs bounds above 0 (the logarithm of " + low + " is not a number); use uniform");
            }
            return new Distribution.LogUniform(from, to);
        }
        return new Distribution.Uniform(from, to);
    }

    private static Object bound(Setting<?> setting, String which, Object raw) {
        try {
            return setting.element(raw);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(which + " " + raw + ": " + e.getMessage());
        }
    }
}
