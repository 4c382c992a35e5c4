package org.mnistspark.training;

import java.util.List;
import java.util.Map;

/**
 * How one trial's averaging rounds run on Spark. The driver's master network holds the averaged
 * parameters and updater state between rounds; an engine runs a round and leaves the new average there.
 * {@link Engines} makes them by name; what an engine reports about its workers is asked here, of any engine.
 */
interface Engine extends AutoCloseable {
    /**
     * Fits one round: worker {@code i} fits minibatches {@code slices.get(i)} of {@code epoch} from the
     * master's state, and the master then holds the average of the workers' parameters and updater
     * states, as DL4J's ParameterAveragingTrainingMaster computes it with saveUpdater(true).
     *
     * @return the mean over workers of the loss of each one's last minibatch
     */
    double round(int epoch, List<Slice> slices) throws Exception;

    /**
     * How many worker networks executors built so far: DL4J's engine builds one per worker and round, the
     * persistent engine one per worker, plus one for every move to another executor.
     */
    int networksBuilt();

    /**
     * What the native code of each executor that kept a worker ran with (threads, instruction set,
     * JavaCPP's cache), by Spark's "executor_HOST_ID" location; empty for an engine that keeps none.
     */
    Map<String, String> executors();

    /** Frees what the engine keeps on executors for the trial. */
    @Override
    void close();

    /** Minibatches {@code [from, to)} of an epoch, for worker {@code worker}. A class for Spark's Kryo. */
    final class Slice implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        final int worker;
        final int from;
        final int to;

        Slice(int worker, int from, int to) {
            this.worker = worker;
            this.from = from;
            this.to = to;
        }

        int size() {
            return to - from;
        }
    }
}
