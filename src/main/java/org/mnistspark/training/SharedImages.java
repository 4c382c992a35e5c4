package org.mnistspark.training;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.mnistspark.data.MnistImages;

/**
 * MNIST on every executor: the training and test images as two Spark broadcasts of their unsigned
 * bytes (about 55 MB for all of MNIST), sent once per sweep and kept in each executor's memory, so
 * that no worker reads or decodes a file to train or test. Spark's torrent broadcast needs no shared
 * storage: the driver holds the images, and executors fetch the blocks from it and from each other.
 */
public final class SharedImages implements AutoCloseable {
    private final MnistImages train;
    private final MnistImages test;
    final Broadcast<MnistImages> trainBroadcast;
    final Broadcast<MnistImages> testBroadcast;

    public SharedImages(JavaSparkContext sc, MnistImages train, MnistImages test) {
        this.train = train;
        this.test = test;
        this.trainBroadcast = sc.broadcast(train);
        this.testBroadcast = sc.broadcast(test);
    }

    public MnistImages train() {
        return train;
    }

    public MnistImages test() {
        return test;
    }

    /** Frees the copies on the executors and the driver. */
    @Override
    public void close() {
        trainBroadcast.destroy();
        testBroadcast.destroy();
    }
}
