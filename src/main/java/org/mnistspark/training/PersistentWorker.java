package org.mnistspark.training;

import java.util.concurrent.locks.ReentrantLock;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.mnistspark.data.MnistImages;
import org.mnistspark.data.TrainingSet;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One worker of the persistent engine in an executor JVM: a DL4J network built once and kept between
 * rounds, and the trial's training set over the images this JVM holds. A round loads the averaged
 * state into the network, in place, and fits the next minibatches.
 */
final class PersistentWorker {
    /** Held by the task that uses the worker: a second attempt of the same worker builds its own. */
    final ReentrantLock busy = new ReentrantLock();

    private final MultiLayerNetwork network;
    private final TrainingSet data;

    PersistentWorker(TrialPlan plan, MnistImages images) {
        network = new MultiLayerNetwork(plan.network());
        network.init(); // the weights are replaced by the first round's state
        network.getUpdater(); // creates the updater and its state array
        data = plan.trainingSet(images);
    }

    /** The averaged parameters, updater state and iteration count a round starts from. */
    void load(PersistentWorkers.RoundState state) {
        network.setParams(row(state.params));
        network.getUpdater().getStateViewArray().assign(row(state.updater));
        MultiLayerConfiguration configuration = network.getLayerWiseConfigurations();
        configuration.setIterationCount(state.iteration);
        configuration.setEpochCount(state.epoch);
    }

    /** Fits minibatches {@code [from, to)} of {@code epoch}, each with the trial's dropout seed for it. */
    void fit(int epoch, int from, int to, WorkerTimes times) {
        times.fitsHere();
        for (int index = from; index < to; index++) {
            long started = System.nanoTime();
            DataSet minibatch = data.minibatch(epoch, index);
            long made = System.nanoTime();
            times.data(made - started);
            Nd4j.getRandom().setSeed(data.randomSeed(epoch, index));
            network.fit(minibatch);
            times.fit(System.nanoTime() - made);
        }
    }

    /** A row vector, the shape DL4J keeps parameters and updater state in. */
    static INDArray row(float[] values) {
        return Nd4j.create(values, new long[] {1, values.length}, 'c');
    }

    float[] params() {
        return network.params().toFloatVector();
    }

    float[] updaterState() {
        return network.getUpdater().getStateViewArray().toFloatVector();
    }

    /** The loss of the last minibatch fitted. */
    double score() {
        return network.score();
    }
}
