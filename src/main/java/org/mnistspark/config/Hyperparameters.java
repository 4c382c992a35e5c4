package org.mnistspark.config;

import static org.mnistspark.config.Setting.DOUBLE;
import static org.mnistspark.config.Setting.INT;
import static org.mnistspark.config.Setting.LONG;
import static org.mnistspark.config.Setting.choice;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Every hyperparameter, each declared once: what a sweep's grid varies and a trial's id, row and charts name.
 * Adding one is a declaration here (appended to {@link #ALL}) plus the model or trainer code that reads it
 * with {@code spec.get(...)}; docs/adding-a-hyperparameter.md walks through an example.
 *
 * <p>{@link #ALL} is the grid's order: the first varies slowest, the last (hidden channels) fastest. A tuning
 * job draws its configurations' values in this order, so a new hyperparameter goes at the end of the list,
 * where a fixed value draws nothing and existing jobs propose what they proposed before.
 */
public final class Hyperparameters {
    /** A 256-channel first convolution is already 64 times the seed's widest; past it workers run out of memory. */
    static final int MAX_HIDDEN_CHANNELS = 256;
    /**
     * The largest minibatch: 8,192 images of 256 first-layer channels already need over 4 GB of
     * activations in one worker.
     */
    static final int MAX_BATCH = 8192;

    public static final Hyperparameter<Double> TRAIN_FRACTION = new Hyperparameter<>(
            Setting.grid(
                    "data.train-fraction",
                    "--train-fraction",
                    DOUBLE,
                    List.of(1.0),
                    f -> f > 0 && f <= 1,
                    "must be in (0, 1]",
                    "Share of the training set used, stratified by label and seeded."),
            "train_fraction",
            "fraction",
            id(10, "fraction"));
    public static final Hyperparameter<Long> SEED = new Hyperparameter<>(
            Setting.grid(
                    "training.seed",
                    "--seed",
                    LONG,
                    List.of(1L),
                    n -> true,
                    "",
                    "Seeds the initial weights (those PyTorch draws after torch.manual_seed(seed)), shuffling, "
                            + "subsets and dropout."),
            "seed",
            "seed",
            id(9, "seed"));
    public static final Hyperparameter<TrainingEngine> ENGINE = new Hyperparameter<>(
            Setting.grid(
                    "training.engine",
                    "--engine",
                    choice(TrainingEngine.class),
                    List.of(TrainingEngine.PERSISTENT),
                    Objects::nonNull,
                    Setting.oneOf(TrainingEngine.class),
                    "How averaging rounds run on Spark: persistent (each worker's network stays in its executor "
                            + "between rounds) or dl4j (DL4J's ParameterAveragingTrainingMaster: a new network per "
                            + "worker and round)."),
            // Rows of the results table's version 1 have no engine column: ResultsTable reads them as dl4j.
            "engine",
            "",
            new Hyperparameter.IdPart<>(11, "engine", TrainingEngine.DL4J));
    public static final Hyperparameter<Integer> EPOCHS = new Hyperparameter<>(
            Setting.grid(
                    "training.epochs",
                    "--epochs",
                    INT,
                    List.of(2),
                    n -> n > 0,
                    "must be at least 1",
                    "Passes over the training set."),
            "epochs",
            "epochs",
            id(3, "epochs"));
    public static final Hyperparameter<Optimizer> OPTIMIZER = new Hyperparameter<>(
            Setting.grid(
                    "training.optimizer",
                    "--optimizer",
                    choice(Optimizer.class),
                    List.of(Optimizer.SGD),
                    Objects::nonNull,
                    Setting.oneOf(Optimizer.class),
                    "sgd (PyTorch's SGD with momentum, the seed's), nesterov (Nesterov momentum) or adam."),
            "optimizer",
            "",
            id(4, "optimizer"));
    public static final Hyperparameter<Double> LEARNING_RATE = new Hyperparameter<>(
            Setting.grid(
                    "training.learning-rate",
                    "--learning-rate",
                    DOUBLE,
                    List.of(0.01),
                    x -> x > 0 && Double.isFinite(x),
                    "must be positive",
                    "The optimizer's step size."),
            "learning_rate",
            "lr",
            id(5, "lr"));
    public static final Hyperparameter<Double> MOMENTUM = new Hyperparameter<>(
            Setting.grid(
                    "training.momentum",
                    "--momentum",
                    DOUBLE,
                    List.of(0.5),
                    m -> m >= 0 && m < 1,
                    "must be in [0, 1)",
                    "Momentum of sgd and nesterov (adam ignores it)."),
            "momentum",
            "momentum",
            id(6, "momentum"));
    public static final Hyperparameter<Integer> BATCH_SIZE = new Hyperparameter<>(
            Setting.grid(
                    "training.batch-size",
                    "--batch-size",
                    INT,
                    List.of(64),
                    n -> n > 0 && n <= MAX_BATCH,
                    "must be 1 to " + MAX_BATCH + " (more would not fit a worker's memory)",
                    "Examples per parameter update summed over all workers, as in the one-process reference; each "
                            + "worker's minibatch is batch-size / workers, rounded up, unless batch-size-per-worker "
                            + "is set."),
            "batch_size",
            "batch",
            id(7, "batch"));
    /**
     * Two workers of 32 images make the seed's global batch of 64. The default is fixed, not the cluster's
     * cores: a trial trains the same on a laptop and on a cluster, and keeps its id (a bigger cluster runs
     * more trials side by side instead, {@link ParallelOptions}). Not in the canonical line: the workers were
     * part of the trial's setup (sweep.TrialIdentity) before they were a grid key, and still are.
     */
    public static final Hyperparameter<Integer> WORKERS = new Hyperparameter<>(
            Setting.grid(
                    "data.workers",
                    "--workers",
                    INT,
                    List.of(2),
                    n -> n >= 1 && n <= 1024,
                    "must be 1 to 1024 (0, every core of the cluster, is no longer offered: a trial's workers are "
                            + "part of its configuration; a bigger cluster runs more trials at once, see "
                            + "sweep.parallel-trials)",
                    "Workers that train one trial together with parameter averaging, each on its share of every "
                            + "round; part of the trial's configuration (and id), whatever the cluster."),
            "workers",
            "workers",
            null);

    public static final Hyperparameter<Integer> AVERAGING_FREQUENCY = new Hyperparameter<>(
            Setting.grid(
                    "training.averaging-frequency",
                    "--averaging-frequency",
                    INT,
                    List.of(20),
                    n -> n > 0,
                    "must be at least 1",
                    "Minibatches each worker fits between two parameter averagings (20: as accurate as every "
                            + "minibatch and twice as fast, measured; see docs/performance.md)."),
            "averaging_frequency",
            "averaging",
            id(8, "averaging"));
    public static final Hyperparameter<Integer> KERNEL_SIZE = new Hyperparameter<>(
            Setting.grid(
                    "model.kernel-size",
                    "--kernel-size",
                    INT,
                    List.of(5),
                    Hyperparameters::kernelFits,
                    "must be between 1 and 9 so that 28x28 images keep a positive size",
                    "Side of both convolution kernels."),
            "kernel_size",
            "kernel",
            id(1, "kernel"));
    public static final Hyperparameter<Double> DROPOUT = new Hyperparameter<>(
            Setting.grid(
                    "model.dropout",
                    "--dropout",
                    DOUBLE,
                    List.of(0.2),
                    p -> p >= 0 && p < 1,
                    "must be in [0, 1)",
                    "Probability that spatial dropout after the second convolution drops a channel."),
            "dropout",
            "dropout",
            id(2, "dropout"));
    public static final Hyperparameter<Integer> HIDDEN_CHANNELS = new Hyperparameter<>(
            Setting.grid(
                    "model.hidden-channels",
                    "--hidden-channels",
                    INT,
                    List.of(2, 5, 10, 20, 32),
                    n -> n > 0 && n <= MAX_HIDDEN_CHANNELS,
                    "must be 1 to " + MAX_HIDDEN_CHANNELS + " (more would not fit a worker's memory)",
                    "Channels of the first convolution (the seed's hidden channels)."),
            "hidden_channels",
            "h",
            id(0, "hidden"));

    /** Every hyperparameter in the grid's order: the first varies slowest. */
    public static final List<Hyperparameter<?>> ALL = List.of(
            TRAIN_FRACTION,
            SEED,
            ENGINE,
            EPOCHS,
            OPTIMIZER,
            LEARNING_RATE,
            MOMENTUM,
            BATCH_SIZE,
            WORKERS,
            AVERAGING_FREQUENCY,
            KERNEL_SIZE,
            DROPOUT,
            HIDDEN_CHANNELS);

    /** Those in the trial id, in the canonical line's order. */
    static final List<Hyperparameter<?>> IN_ID = ALL.stream()
            .filter(h -> h.id() != null)
            .sorted(Comparator.comparingInt(h -> h.id().position()))
            .toList();

    /**
     * Every hyperparameter in the order people read them (select lists, legends, the settings reference):
     * the canonical line's (hidden channels first), then those not in it.
     */
    public static final List<Hyperparameter<?>> SHOWN = java.util.stream.Stream.concat(
                    IN_ID.stream(), ALL.stream().filter(h -> h.id() == null))
            .toList();

    private Hyperparameters() {}

    /**
     * The settings of the hyperparameters whose keys start with {@code prefix} ("model."), for help and the
     * settings reference: in the canonical line's order (hidden channels first), those not in it last.
     */
    static List<Setting<?>> settings(String prefix) {
        return SHOWN.stream()
                .filter(h -> h.key().startsWith(prefix))
                .<Setting<?>>map(Hyperparameter::setting)
                .toList();
    }

    /** The hyperparameter of a grid key, or null. */
    public static Hyperparameter<?> byKey(String key) {
        return ALL.stream().filter(h -> h.key().equals(key)).findFirst().orElse(null);
    }

    /** The {@code trials} table's column of every hyperparameter, in {@link #SHOWN}'s order. */
    public static List<String> columns() {
        return SHOWN.stream().map(Hyperparameter::column).toList();
    }

    private static <T> Hyperparameter.IdPart<T> id(int position, String name) {
        return new Hyperparameter.IdPart<>(position, name, null);
    }

    /** Conv k, pool 2, conv k, pool 2 on 28x28 must leave at least 1x1. */
    static boolean kernelFits(int k) {
        if (k < 1) {
            return false;
        }
        int afterFirst = (28 - k + 1) / 2;
        return afterFirst >= k && (afterFirst - k + 1) / 2 >= 1;
    }
}
