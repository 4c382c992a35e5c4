package org.mnistspark.config;

/** How a trial's averaging rounds run on Spark ({@code training.engine}); the name is its value in files and rows. */
public enum TrainingEngine {
    /** DL4J's ParameterAveragingTrainingMaster: a new network per worker and round. Trials from before there was a choice used it. */
    DL4J,
    /** Each worker's network stays in its executor between averaging rounds. */
    PERSISTENT;

    /**
     * Whether its workers use training.worker-prefetch: only DL4J's load minibatches ahead; the persistent
     * engine's make each one in memory as they fit it.
     */
    public boolean usesWorkerPrefetch() {
        return this == DL4J;
    }

    /** The value in configuration files, trial ids and the results table. */
    @Override
    public String toString() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
