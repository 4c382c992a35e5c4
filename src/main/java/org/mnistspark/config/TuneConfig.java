package org.mnistspark.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The configuration of a tuning job ({@code tune}): the sweep's settings (the data, the fixed
 * hyperparameters, where results go) and the {@code search} block, with the configurations the search
 * proposes. Everything is read and checked here, before Spark starts, with the same parser, layers and
 * rules as the sweep's: every drawn value passes its grid key's rule.
 *
 * @param proposals the configurations in the order proposed: the same seed and search give the same list
 *                  (each with the first rung's epochs; {@link TrialSpec#withEpochs} gives a rung's)
 */
public record TuneConfig(
        SweepConfig sweep,
        SearchOptions search,
        List<TrialSpec> proposals,
        Map<String, String> origins,
        List<String> warnings) {

    /** Every setting a tuning job reads: the sweep's and the search block's. */
    public static final List<Setting<?>> SETTINGS = Stream.concat(
                    SweepConfig.SETTINGS.stream(), SearchOptions.SETTINGS.stream())
            .toList();

    /** Draws in a row that only repeat earlier configurations, after which the space counts as exhausted. */
    static final int MAX_REPEATS = 1_000;

    public TuneConfig {
        proposals = List.copyOf(proposals);
        origins = Map.copyOf(origins);
        warnings = List.copyOf(warnings);
    }

    /**
     * Reads a tuning job's configuration: the sweep's settings and the search block.
     *
     * @throws InvalidConfigException naming the file, key or value that is wrong
     */
    public static TuneConfig load(String file, List<String> overrides) {
        ConfParser p = ConfParser.load(SETTINGS, SweepConfig.RETIRED, file, overrides, Set.of(SearchOptions.SPACE));
        SweepConfig sweep = SweepConfig.read(p);
        SearchOptions search = SearchOptions.read(p, sweep.grid());
        List<String> warnings = new ArrayList<>(sweep.warnings());
        Map<String, String> origins = p.origins();
        checkTogether(sweep, search, origins, warnings);
        List<TrialSpec> proposals = propose(sweep, search);
        sweep.checkWorkerPrefetch(proposals, "configuration the search proposes");
        return new TuneConfig(sweep, search, proposals, origins, warnings);
    }

    /** The tuning job's name: its experiment. */
    public String job() {
        return sweep.experiment();
    }

    /** The epochs each rung trains to (see {@link SearchOptions#rungs()}). */
    public List<Integer> rungs() {
        return search.rungs();
    }

    private static void checkTogether(
            SweepConfig sweep, SearchOptions search, Map<String, String> origins, List<String> warnings) {
        if (origins.get(SweepConfig.EXPERIMENT.key()).endsWith("(" + ConfParser.DEFAULTS_ORIGIN + ")")) {
            throw new InvalidConfigException("invalid setting experiment = " + origins.get(SweepConfig.EXPERIMENT.key())
                    + ": name the tuning job (--experiment NAME, or experiment = NAME in the file); its rows are kept "
                    + "apart from the default sweep's experiment");
        }
        if (sweep.output().rerun()) {
            throw new InvalidConfigException("invalid setting output.rerun = " + origins.get(OutputOptions.RERUN.key())
                    + ": a tuning job resumes from the table and retrains nothing; to start again, name another job");
        }
        if (search.strategy() == SearchStrategy.ASHA
                && search.rungs().size() > 1
                && sweep.output().models().isBlank()) {
            throw new InvalidConfigException(
                    "invalid setting output.models = " + origins.get(OutputOptions.MODELS.key())
                            + ": asha continues each promoted configuration from its rung's saved model; give a folder");
        }
        if (sweep.training().batchSizePerWorker() > 0
                && search.drawnKeys().contains(Hyperparameters.BATCH_SIZE.key())) {
            throw new InvalidConfigException("invalid setting " + SearchOptions.SPACE + "."
                    + Hyperparameters.BATCH_SIZE.key()
                    + ": drawing batch sizes has no effect while training.batch-size-per-worker = "
                    + origins.get(TrainingOptions.BATCH_SIZE_PER_WORKER.key()) + " fixes each worker's minibatch");
        }
        if (!origins.get(Hyperparameters.EPOCHS.key()).endsWith("(" + ConfParser.DEFAULTS_ORIGIN + ")")) {
            warnings.add("training.epochs = " + origins.get(Hyperparameters.EPOCHS.key()) + " is not used by tune: "
                    + "search.min-epochs and search.max-epochs are its budget");
        }
    }

    /**
     * The seeded proposals: for each configuration, a draw for every key in the grid's order (fixed keys
     * draw nothing), each value checked with the key's rule. A configuration drawn before is drawn again,
     * so that no configuration is proposed twice. Adam ignores momentum and records momentum's first value,
     * as the grid does.
     */
    private static List<TrialSpec> propose(SweepConfig sweep, SearchOptions search) {
        SplittableRandom random = new SplittableRandom(search.seed());
        Set<TrialSpec> proposed = new LinkedHashSet<>();
        int repeats = 0;
        while (proposed.size() < search.trials() && repeats < MAX_REPEATS) {
            Map<Hyperparameter<?>, Object> values = new HashMap<>();
            for (Map.Entry<String, Distribution> entry : search.space().entrySet()) {
                Hyperparameter<?> hyperparameter = Hyperparameters.byKey(entry.getKey());
                Object drawn = entry.getValue().draw(random);
                try {
                    values.put(hyperparameter, hyperparameter.setting().element(drawn));
                } catch (IllegalArgumentException e) {
                    throw new InvalidConfigException("invalid setting " + SearchOptions.SPACE + "." + entry.getKey()
                            + " = " + entry.getValue().describe() + ": configuration " + (proposed.size() + 1)
                            + " draws " + drawn + ", which " + e.getMessage());
                }
            }
            values.put(Hyperparameters.EPOCHS, search.rungs().get(0));
            if (values.get(Hyperparameters.OPTIMIZER) == Optimizer.ADAM) {
                Hyperparameter<Double> momentum = Hyperparameters.MOMENTUM;
                values.put(
                        momentum,
                        momentum.setting()
                                .element(search.space().get(momentum.key()).first()));
            }
            TrialSpec spec = new TrialSpec(values);
            int perWorker = sweep.minibatchPerWorker(spec);
            if (perWorker < TrialSpec.MIN_MINIBATCH_PER_WORKER) {
                throw new InvalidConfigException("invalid setting " + SearchOptions.SPACE + ": configuration "
                        + (proposed.size() + 1) + " draws training.batch-size " + spec.batchSize()
                        + " and data.workers "
                        + spec.workers() + ", a minibatch of " + perWorker + " per worker, under the minimum of "
                        + TrialSpec.MIN_MINIBATCH_PER_WORKER
                        + "; narrow the space so that every draw gives each worker "
                        + "at least " + TrialSpec.MIN_MINIBATCH_PER_WORKER + " images");
            }
            if (proposed.add(spec)) {
                repeats = 0;
            } else {
                repeats++;
            }
        }
        return List.copyOf(proposed);
    }

    /** One line per setting: key = value (where it came from), the search block's included. */
    public String describe() {
        StringBuilder out = new StringBuilder();
        int width = origins.keySet().stream().mapToInt(String::length).max().orElse(0);
        Set<String> declared = new java.util.HashSet<>();
        origins.keySet().stream()
                .filter(k -> k.startsWith(SearchOptions.SPACE + "."))
                .forEach(k -> declared.add(k.substring(SearchOptions.SPACE.length() + 1, k.lastIndexOf('.'))));
        for (Map.Entry<String, String> e : new TreeMap<>(origins).entrySet()) {
            String note = declared.contains(e.getKey())
                    ? "; drawn from search.space instead"
                    : e.getKey().equals(Hyperparameters.EPOCHS.key()) ? "; search's rungs instead" : "";
            out.append(String.format("  %-" + width + "s = %s%s%n", e.getKey(), e.getValue(), note));
        }
        return out.toString();
    }
}
