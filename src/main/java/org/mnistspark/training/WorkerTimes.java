package org.mnistspark.training;

import org.apache.spark.SparkContext;
import org.apache.spark.util.DoubleAccumulator;

import java.io.Serializable;

/**
 * Where workers spend an epoch, measured inside the executor tasks and summed over workers by Spark
 * accumulators: fitting minibatches (ND4J and oneDNN), making minibatches from the images, and
 * setting up the worker's network for a round.
 */
final class WorkerTimes implements Serializable {
    private static final long serialVersionUID = 1L;

    private final DoubleAccumulator fit;
    private final DoubleAccumulator data;
    private final DoubleAccumulator setup;

    WorkerTimes(SparkContext sc) {
        this.fit = sc.doubleAccumulator("mnist-spark fit seconds");
        this.data = sc.doubleAccumulator("mnist-spark data seconds");
        this.setup = sc.doubleAccumulator("mnist-spark worker setup seconds");
    }

    void fit(long nanos) {
        fit.add(nanos / 1e9);
    }

    void data(long nanos) {
        data.add(nanos / 1e9);
    }

    void setup(long nanos) {
        setup.add(nanos / 1e9);
    }

    /** The sums so far, in seconds: fit, data, setup. */
    double[] total() {
        return new double[] {fit.value(), data.value(), setup.value()};
    }
}
