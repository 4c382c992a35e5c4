package org.mnistspark.training;

import java.io.Serializable;
import java.util.UUID;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.mnistspark.data.MnistImages;
import org.mnistspark.data.TrainingSet;

/**
 * What every executor task of one trial needs besides the images and the parameters: the network's
 * configuration and how the trial cuts its minibatches. Sent once per trial. A plain class, not a
 * record: Spark's Kryo cannot write records.
 */
final class TrialPlan implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Unique per training run: executors key what they keep for the trial by it. */
    final String key = UUID.randomUUID().toString();

    final String networkJson;
    final double trainFraction;
    final long seed;
    final int minibatchSize;
    final double mean;
    final double std;

    TrialPlan(MultiLayerConfiguration network, TrainingRun run) {
        this.networkJson = network.toJson();
        this.trainFraction = run.trainFraction();
        this.seed = run.seed();
        this.minibatchSize = run.minibatchSize();
        this.mean = run.mean();
        this.std = run.std();
    }

    TrainingSet trainingSet(MnistImages images) {
        return new TrainingSet(images, trainFraction, seed, minibatchSize, mean, std);
    }

    MultiLayerConfiguration network() {
        return MultiLayerConfiguration.fromJson(networkJson);
    }
}
