package org.mnistspark.data;

import java.util.SplittableRandom;
import org.nd4j.linalg.dataset.DataSet;

/**
 * The minibatches one trial trains on: a seeded, stratified share of the training images, cut into
 * minibatches of one size, in a new seeded order every epoch, made from the images in memory as they
 * are needed (a lookup per pixel; nothing is written or read back). Every JVM that makes them gets
 * the same minibatches: the order depends only on the images, the share, the seed and the epoch.
 *
 * <p>Not thread-safe: each worker keeps its own.
 */
public final class TrainingSet {
    private final MnistImages images;
    private final int[] subset;
    private final long seed;
    private final int minibatchSize;
    private final float[] normalized;
    private int orderEpoch = -1;
    private int[] order;

    public TrainingSet(MnistImages images, double fraction, long seed, int minibatchSize, double mean, double std) {
        this.images = images;
        this.subset = Minibatches.stratifiedSubset(images, fraction, seed);
        this.seed = seed;
        this.minibatchSize = minibatchSize;
        this.normalized = Minibatches.normalization(mean, std);
    }

    /** Images per epoch. */
    public long images() {
        return subset.length;
    }

    public int minibatchSize() {
        return minibatchSize;
    }

    /** Minibatches per epoch; the last one may be smaller. */
    public int minibatches() {
        return (subset.length + minibatchSize - 1) / minibatchSize;
    }

    /** Minibatch {@code index} (from 0) of {@code epoch} (from 1). */
    public DataSet minibatch(int epoch, int index) {
        if (epoch != orderEpoch) {
            order = Minibatches.epochOrder(subset, seed, epoch);
            orderEpoch = epoch;
        }
        int from = index * minibatchSize;
        return Minibatches.toDataSet(images, order, from, Math.min(order.length, from + minibatchSize), normalized);
    }

    /**
     * The seed of the random numbers (dropout masks) used while fitting minibatch {@code index} of
     * {@code epoch}: fixed by the trial's seed, so a trial trains the same way on every run, whichever
     * worker, thread or executor fits it.
     */
    public long randomSeed(int epoch, int index) {
        return new SplittableRandom(seed * 1_000_003L + ((long) epoch << 32 | index))
                .nextLong(); // mixed by SplittableRandom
    }
}
