package org.mnistspark.training;

import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.mnistspark.config.TrainingEngine;

/**
 * The one place a {@link TrainingEngine} ({@code training.engine}) becomes an {@link Engine}; the switch is
 * exhaustive, so an engine added to the enum does not compile until it is made here. Whoever trains asks the
 * engine it gets, never its class. An option only some engines use is the configuration's to refuse or leave
 * unrecorded where no trial uses it ({@link TrainingEngine#usesWorkerPrefetch}); here an engine takes what it
 * uses.
 */
final class Engines {
    private Engines() {}

    /**
     * What an engine for one trial is made from.
     *
     * @param master         the driver's network: the averaged state before and after each round
     * @param workerPrefetch {@code training.worker-prefetch}; only DL4J's engine loads minibatches ahead
     */
    record Trial(
            JavaSparkContext sc,
            SharedImages images,
            MultiLayerNetwork master,
            TrialPlan plan,
            TrainingRun run,
            WorkerTimes times,
            int workerPrefetch) {}

    /** The engine {@code trial.run().engine()} names, ready for the trial's first round. */
    static Engine create(Trial trial) {
        return switch (trial.run().engine()) {
            case DL4J -> new Dl4jAveraging(trial);
            case PERSISTENT -> new PersistentWorkers(trial);
        };
    }
}
