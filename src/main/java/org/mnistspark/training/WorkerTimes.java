package org.mnistspark.training;

import java.io.Serializable;
import java.util.TreeSet;
import org.apache.spark.SparkContext;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.DoubleAccumulator;
import org.mnistspark.model.CpuIsa;

/**
 * Where workers spend an epoch, measured inside the executor tasks and summed over workers by Spark
 * accumulators: fitting minibatches (ND4J and oneDNN), making minibatches from the images, and
 * setting up the worker's network for a round; and the oneDNN instruction sets the workers' executors
 * chose ({@link CpuIsa}), one per CPU model.
 */
final class WorkerTimes implements Serializable {
    private static final long serialVersionUID = 1L;

    private final DoubleAccumulator fit;
    private final DoubleAccumulator data;
    private final DoubleAccumulator setup;
    private final CollectionAccumulator<String> isas;

    WorkerTimes(SparkContext sc) {
        this.fit = sc.doubleAccumulator("mnist-spark fit seconds");
        this.data = sc.doubleAccumulator("mnist-spark data seconds");
        this.setup = sc.doubleAccumulator("mnist-spark worker setup seconds");
        this.isas = sc.collectionAccumulator("mnist-spark oneDNN instruction sets");
    }

    void fit(long nanos) {
        fit.add(nanos / 1e9);
    }

    /** Once per task that fits: records this executor's instruction set. */
    void fitsHere() {
        isas.add(CpuIsa.apply().isa());
    }

    void data(long nanos) {
        data.add(nanos / 1e9);
    }

    void setup(long nanos) {
        setup.add(nanos / 1e9);
    }

    /** The instruction sets the fitting ran with, sorted and comma-separated: one on a uniform cluster. */
    String isa() {
        return String.join(",", new TreeSet<>(isas.value()));
    }

    /** The sums so far, in seconds: fit, data, setup. */
    double[] total() {
        return new double[] {fit.value(), data.value(), setup.value()};
    }
}
