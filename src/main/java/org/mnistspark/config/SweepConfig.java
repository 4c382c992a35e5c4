package org.mnistspark.config;

import static org.mnistspark.config.Setting.TEXT;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The whole configuration of one sweep, typed and validated, in one record per concern.
 *
 * <p>Every value comes from one of three layers, highest precedence first:
 * <ol>
 *   <li>the command line (an option such as {@code --epochs 3}, or {@code --set key=value});</li>
 *   <li>the HOCON file given with {@code --conf} (for example {@code conf/quick.conf});</li>
 *   <li>the built-in defaults: the seed project's sweep, declared with each {@link Setting}.</li>
 * </ol>
 * {@link #origins()} says which layer (file and line) each value came from. Unknown keys and invalid
 * values are rejected by {@link #load} with the key named, before Spark starts.
 *
 * <p>Grid settings hold a list of values: {@link #trials()} is their Cartesian product.
 */
public record SweepConfig(
        String experiment,
        Grid grid,
        DataOptions data,
        TrainingOptions training,
        NormalizationOptions normalization,
        OutputOptions output,
        ParallelOptions parallel,
        Map<String, String> origins,
        List<String> warnings) {

    static final Setting<String> EXPERIMENT = Setting.single(
            "experiment",
            "--experiment",
            TEXT,
            "mnist-cnn",
            s -> !s.isBlank() && s.length() <= 200,
            "must be 1 to 200 characters",
            "The experiment's name; a trial's id includes it.");

    /** Every setting, grouped per concern: a concern's hyperparameters, then its other settings. */
    public static final List<Setting<?>> SETTINGS = Stream.of(
                    List.<Setting<?>>of(EXPERIMENT),
                    Hyperparameters.settings("data."),
                    DataOptions.SETTINGS,
                    Hyperparameters.settings("model."),
                    Hyperparameters.settings("training."),
                    TrainingOptions.SETTINGS,
                    NormalizationOptions.SETTINGS,
                    OutputOptions.SETTINGS,
                    ParallelOptions.SETTINGS)
            .flatMap(List::stream)
            .toList();

    /** Settings of earlier versions, ignored with a warning so that old files and schedulers still run. */
    static final Map<String, String> RETIRED = Map.of(
            "data.minibatch-dir", "executors get the images as a Spark broadcast, and no minibatch files are written");

    /** The settings of the results table's location, for commands that only read it. */
    public static final List<Setting<?>> RESULTS_LOCATION = List.of(OutputOptions.RESULTS);
    /** The settings of the table and the models, for commands that maintain them. */
    public static final List<Setting<?>> OUTPUT_LOCATIONS = List.of(OutputOptions.RESULTS, OutputOptions.MODELS);
    /** The settings of the MNIST location. */
    public static final List<Setting<?>> DATA_LOCATION = List.of(DataOptions.DIR);

    /**
     * Reads the configuration.
     *
     * @param file      the HOCON file: a local path or any Hadoop path (s3a://, hdfs://); null for the
     *                  built-in defaults alone
     * @param overrides command-line settings, each {@code key=value} in HOCON syntax; a later one wins
     * @throws InvalidConfigException naming the file, key or value that is wrong
     */
    public static SweepConfig load(String file, List<String> overrides) {
        SweepConfig config = read(ConfParser.load(SETTINGS, RETIRED, file, overrides));
        config.checkWorkerPrefetch(config.trials(), "trial of the grid");
        return config;
    }

    /** The sweep's settings of a parsed configuration (which may hold more, such as a search block). */
    static SweepConfig read(ConfParser p) {
        SweepConfig config = new SweepConfig(
                p.get(EXPERIMENT),
                Grid.read(p),
                DataOptions.read(p),
                TrainingOptions.read(p),
                NormalizationOptions.read(p),
                OutputOptions.read(p),
                ParallelOptions.read(p),
                p.origins(),
                p.warnings());
        config.checkTogether();
        return config;
    }

    /** Rules that span settings. */
    private void checkTogether() {
        if (training.batchSizePerWorker() > 0
                && grid.values(Hyperparameters.BATCH_SIZE).size() > 1) {
            // Each worker's minibatch is fixed, so every batch size would train the same thing.
            throw new InvalidConfigException("invalid setting training.batch-size = "
                    + origins.get("training.batch-size") + ": a grid of batch sizes has no effect while "
                    + "training.batch-size-per-worker = " + origins.get("training.batch-size-per-worker")
                    + " fixes each worker's minibatch; set one of them");
        }
        trials().forEach(this::checkMinibatchPerWorker);
    }

    /**
     * Refuses training.worker-prefetch given in the file or on the command line while none of {@code trials}
     * trains on an engine that uses it: the setting would change nothing. (A tuning job checks the
     * configurations it proposes, whose engines may be drawn.)
     *
     * @param what what one of {@code trials} is, for the message
     */
    void checkWorkerPrefetch(List<TrialSpec> trials, String what) {
        String prefetch = origins.get(TrainingOptions.WORKER_PREFETCH.key());
        if (!prefetch.endsWith("(" + ConfParser.DEFAULTS_ORIGIN + ")")
                && trials.stream().noneMatch(t -> t.engine().usesWorkerPrefetch())) {
            String engines = trials.stream()
                    .map(TrialSpec::engine)
                    .distinct()
                    .sorted()
                    .map(String::valueOf)
                    .collect(java.util.stream.Collectors.joining(", "));
            throw new InvalidConfigException("invalid setting " + TrainingOptions.WORKER_PREFETCH.key() + " = "
                    + prefetch + ": no " + what + " uses it (all train on " + engines + "); only the "
                    + TrainingEngine.DL4J + " engine loads minibatches ahead, the "
                    + TrainingEngine.PERSISTENT + " engine's workers make each one in memory as they fit "
                    + "it; remove the setting or train on " + TrainingEngine.DL4J);
        }
    }

    /** Each worker's minibatch for {@code spec}, as this configuration fixes or derives it. */
    public int minibatchPerWorker(TrialSpec spec) {
        return spec.minibatchPerWorker(training.batchSizePerWorker());
    }

    /**
     * Refuses a trial whose workers would each fit fewer than {@link TrialSpec#MIN_MINIBATCH_PER_WORKER}
     * images a step, before Spark starts; a tuning job checks each configuration it draws the same way.
     */
    void checkMinibatchPerWorker(TrialSpec spec) {
        int perWorker = minibatchPerWorker(spec);
        if (perWorker < TrialSpec.MIN_MINIBATCH_PER_WORKER) {
            String source = training.batchSizePerWorker() > 0
                    ? "training.batch-size-per-worker = " + origins.get(TrainingOptions.BATCH_SIZE_PER_WORKER.key())
                    : "training.batch-size " + spec.batchSize() + " shared by data.workers " + spec.workers();
            throw new InvalidConfigException("invalid setting data.workers = "
                    + origins.get(Hyperparameters.WORKERS.key())
                    + ": " + source + " gives each worker a minibatch of " + perWorker + " image"
                    + (perWorker == 1 ? "" : "s") + ", under the minimum of " + TrialSpec.MIN_MINIBATCH_PER_WORKER
                    + " (smaller minibatches cost several times more per image and the averaged models drift apart); "
                    + "give fewer workers or a larger batch, and use sweep.parallel-trials to use a bigger cluster");
        }
    }

    /**
     * Every combination of the grid values, in a stable order (later hyperparameters vary fastest, hidden
     * channels fastest of all). Adam ignores momentum, so it is trained once, with the momentum grid's
     * first value, not once per momentum.
     */
    public List<TrialSpec> trials() {
        double firstMomentum = grid.values(Hyperparameters.MOMENTUM).get(0);
        return grid.product().stream()
                .filter(t -> t.optimizer() != Optimizer.ADAM || t.momentum() == firstMomentum)
                .toList();
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
}
