package org.mnistspark.data;

import org.mnistspark.storage.Sha256;

import java.io.IOException;
import java.util.List;

/**
 * The minibatches one trial trains on: a seeded, stratified share of the training images, cut into
 * minibatches of one size, in a new seeded order every epoch, written once to storage every executor
 * can read ({@link MinibatchStore}) and reused by every trial with the same data, seed and sizes.
 */
public final class TrainingSet {
    private final MinibatchStore store;
    private final MnistImages images;
    private final int[] subset;
    private final long seed;
    private final int minibatchSize;
    private final double mean;
    private final double std;
    private final String name;

    /**
     * @param dataKey identifies {@code images} and the normalization; names the stored sets
     */
    public TrainingSet(MinibatchStore store, String dataKey, MnistImages images, double fraction, long seed,
                       int minibatchSize, double mean, double std) {
        this.store = store;
        this.images = images;
        this.subset = Minibatches.stratifiedSubset(images, fraction, seed);
        this.seed = seed;
        this.minibatchSize = minibatchSize;
        this.mean = mean;
        this.std = std;
        this.name = "train-" + Sha256.shortHex(dataKey + "|fraction=" + fraction + "|seed=" + seed
                + "|perWorker=" + minibatchSize);
    }

    /** The epoch's minibatch files in training order, written first if no complete copy exists. */
    public List<String> minibatchPaths(int epoch) throws IOException {
        int[] order = Minibatches.epochOrder(subset, seed, epoch);
        int count = (order.length + minibatchSize - 1) / minibatchSize;
        return store.ensure(name + "-e" + epoch, count, i -> Minibatches.toDataSet(images, order,
                i * minibatchSize, Math.min(order.length, (i + 1) * minibatchSize), mean, std));
    }

    /** Images per epoch. */
    public long images() {
        return subset.length;
    }

    public int minibatchSize() {
        return minibatchSize;
    }
}
