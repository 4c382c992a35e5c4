package org.mnistspark.config;

import static org.mnistspark.config.Hyperparameters.MAX_BATCH;
import static org.mnistspark.config.Setting.INT;

import java.util.List;

/**
 * The training settings that are not hyperparameters (those are in {@link Hyperparameters}): the same for
 * every trial of a sweep.
 *
 * @param batchSizePerWorker each worker's minibatch; 0: batch-size / workers, rounded up
 * @param workerPrefetch     minibatches each worker of the dl4j engine loads ahead on another thread; 0: none
 */
public record TrainingOptions(int batchSizePerWorker, int workerPrefetch) {

    static final Setting<Integer> BATCH_SIZE_PER_WORKER = Setting.single(
            "training.batch-size-per-worker",
            "--batch-size-per-worker",
            INT,
            0,
            n -> n >= 0 && n <= MAX_BATCH,
            "must be 0 (derived) or a count up to " + MAX_BATCH,
            "Each worker's minibatch; 0: derived from batch-size.");
    static final Setting<Integer> WORKER_PREFETCH = Setting.single(
            "training.worker-prefetch",
            "--worker-prefetch",
            INT,
            0,
            n -> n >= 0,
            "must be 0 or more",
            "Minibatches each worker loads ahead of training on another thread; 0: none (measured no faster "
                    + "on local disk, and DL4J 1.0.0-M2 can hang on an unreadable minibatch while prefetching).");

    /** The worker prefetch a trial on {@code engine} trains with and records: 0 ("not used") where it ignores it. */
    public int workerPrefetch(TrainingEngine engine) {
        return engine.usesWorkerPrefetch() ? workerPrefetch : 0;
    }

    static final List<Setting<?>> SETTINGS = List.of(BATCH_SIZE_PER_WORKER, WORKER_PREFETCH);

    static TrainingOptions read(ConfParser p) {
        return new TrainingOptions(p.get(BATCH_SIZE_PER_WORKER), p.get(WORKER_PREFETCH));
    }
}
