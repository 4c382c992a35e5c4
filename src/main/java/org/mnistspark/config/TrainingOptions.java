package org.mnistspark.config;

import java.util.List;
import java.util.Set;

import static org.mnistspark.config.Setting.DOUBLE;
import static org.mnistspark.config.Setting.INT;
import static org.mnistspark.config.Setting.LONG;
import static org.mnistspark.config.Setting.TEXT;

/**
 * Optimisation and parameter averaging.
 *
 * @param engine             grid: how averaging rounds run on Spark, dl4j or persistent
 * @param batchSize          grid: examples per update summed over all workers, as in the one-process reference
 * @param batchSizePerWorker each worker's minibatch; 0: batch-size / workers, rounded up
 * @param averagingFrequency grid: minibatches each worker fits between two averagings
 * @param workerPrefetch     minibatches each worker of the dl4j engine loads ahead on another thread; 0: none
 */
public record TrainingOptions(List<String> engine, List<Integer> epochs, List<String> optimizer, List<Double> learningRate,
                              List<Double> momentum, List<Integer> batchSize, int batchSizePerWorker,
                              List<Integer> averagingFrequency, int workerPrefetch, List<Long> seed) {

    public static final Set<String> OPTIMIZERS = Set.of("sgd", "nesterov", "adam");
    /**
     * The largest minibatch: 8,192 images of 256 first-layer channels already need over 4 GB of
     * activations in one worker.
     */
    static final int MAX_BATCH = 8192;
    /** DL4J's ParameterAveragingTrainingMaster; trials trained before there was a choice used it. */
    public static final String DL4J_ENGINE = "dl4j";
    /** Each worker's network stays in its executor between averaging rounds. */
    public static final String PERSISTENT_ENGINE = "persistent";

    static final Setting<List<String>> ENGINE = Setting.grid("training.engine", "--engine", TEXT,
            List.of(PERSISTENT_ENGINE), List.of(DL4J_ENGINE, PERSISTENT_ENGINE)::contains, "must be dl4j or persistent",
            "How averaging rounds run on Spark: persistent (each worker's network stays in its executor between "
                    + "rounds) or dl4j (DL4J's ParameterAveragingTrainingMaster: a new network per worker and round).");

    static final Setting<List<Integer>> EPOCHS = Setting.grid("training.epochs", "--epochs", INT, List.of(2),
            n -> n > 0, "must be at least 1", "Passes over the training set.");
    static final Setting<List<String>> OPTIMIZER = Setting.grid("training.optimizer", "--optimizer", TEXT,
            List.of("sgd"), OPTIMIZERS::contains, "must be sgd, nesterov or adam",
            "sgd (PyTorch's SGD with momentum, the seed's), nesterov (Nesterov momentum) or adam.");
    static final Setting<List<Double>> LEARNING_RATE = Setting.grid("training.learning-rate", "--learning-rate",
            DOUBLE, List.of(0.01), x -> x > 0 && Double.isFinite(x), "must be positive", "The optimizer's step size.");
    static final Setting<List<Double>> MOMENTUM = Setting.grid("training.momentum", "--momentum", DOUBLE,
            List.of(0.5), m -> m >= 0 && m < 1, "must be in [0, 1)", "Momentum of sgd and nesterov (adam ignores it).");
    static final Setting<List<Integer>> BATCH_SIZE = Setting.grid("training.batch-size", "--batch-size", INT,
            List.of(64), n -> n > 0 && n <= MAX_BATCH, "must be 1 to " + MAX_BATCH + " (more would not fit a worker's memory)",
            "Examples per parameter update summed over all workers, as in the one-process reference; each "
                    + "worker's minibatch is batch-size / workers, rounded up, unless batch-size-per-worker is set.");
    static final Setting<Integer> BATCH_SIZE_PER_WORKER = Setting.single("training.batch-size-per-worker",
            "--batch-size-per-worker", INT, 0, n -> n >= 0 && n <= MAX_BATCH,
            "must be 0 (derived) or a count up to " + MAX_BATCH,
            "Each worker's minibatch; 0: derived from batch-size.");
    static final Setting<List<Integer>> AVERAGING_FREQUENCY = Setting.grid("training.averaging-frequency",
            "--averaging-frequency", INT, List.of(20), n -> n > 0, "must be at least 1",
            "Minibatches each worker fits between two parameter averagings (20: as accurate as every minibatch "
                    + "and twice as fast, measured; see README).");
    static final Setting<Integer> WORKER_PREFETCH = Setting.single("training.worker-prefetch", "--worker-prefetch",
            INT, 0, n -> n >= 0, "must be 0 or more",
            "Minibatches each worker loads ahead of training on another thread; 0: none (measured no faster "
                    + "on local disk, and DL4J 1.0.0-M2 can hang on an unreadable minibatch while prefetching).");
    static final Setting<List<Long>> SEED = Setting.grid("training.seed", "--seed", LONG, List.of(1L), n -> true, "",
            "Seeds the initial weights (those PyTorch draws after torch.manual_seed(seed)), shuffling, subsets "
                    + "and dropout.");

    /**
     * Whether trials on {@code engine} use training.worker-prefetch: only DL4J's workers load minibatches
     * ahead; the persistent engine's make each one in memory as they fit it.
     */
    public static boolean usesWorkerPrefetch(String engine) {
        return DL4J_ENGINE.equals(engine);
    }

    /** The worker prefetch a trial on {@code engine} trains with and records: 0 ("not used") where it ignores it. */
    public int workerPrefetch(String engine) {
        return usesWorkerPrefetch(engine) ? workerPrefetch : 0;
    }

    static final List<Setting<?>> SETTINGS = List.of(ENGINE, EPOCHS, OPTIMIZER, LEARNING_RATE, MOMENTUM, BATCH_SIZE,
            BATCH_SIZE_PER_WORKER, AVERAGING_FREQUENCY, WORKER_PREFETCH, SEED);

    static TrainingOptions read(ConfParser p) {
        return new TrainingOptions(p.get(ENGINE), p.get(EPOCHS), p.get(OPTIMIZER), p.get(LEARNING_RATE), p.get(MOMENTUM),
                p.get(BATCH_SIZE), p.get(BATCH_SIZE_PER_WORKER), p.get(AVERAGING_FREQUENCY), p.get(WORKER_PREFETCH),
                p.get(SEED));
    }
}
