package org.mnistspark.training;

import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.mnistspark.data.MnistImages;
import org.mnistspark.data.TrainingSet;
import org.mnistspark.model.CnnSpec;
import org.mnistspark.model.MnistCnn;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One trial in this JVM with DL4J alone, no Spark: {@code MultiLayerNetwork.fit} on minibatches of the
 * global batch size, in the same seeded order and with the same dropout seeds as the Spark engines.
 * The benchmark's compute floor: what one process does with the cores OpenMP gives it. Its epochs are
 * {@link EpochLoop}'s, as {@link TrialTrainer}'s are, with a round of one minibatch: the same train loss,
 * progress reports and time breakdown (fit, data, and the rest as other).
 */
public final class OneJvmTrainer {
    private OneJvmTrainer() {}

    /**
     * @param run                    its minibatch size is the global batch; its engine, workers and averaging
     *                               frequency are ignored
     * @param reportEveryMinibatches a progress report every this many minibatches, and after each epoch's last
     */
    public static List<EpochResult> train(
            CnnSpec spec,
            TrainingRun run,
            MnistImages train,
            MnistImages test,
            int reportEveryMinibatches,
            TrainingProgress progress)
            throws Exception {
        MultiLayerNetwork network = MnistCnn.create(spec);
        TrainingSet data =
                new TrainingSet(train, run.trainFraction(), run.seed(), run.minibatchSize(), run.mean(), run.std());
        double[] times = new double[3]; // fit, data, setup (none) seconds
        EpochLoop epochs = new EpochLoop(
                data,
                1,
                1,
                reportEveryMinibatches,
                times::clone,
                () -> TestEvaluation.evaluate(network, test, run.mean(), run.std()));
        return epochs.run(
                1,
                run.epochs(),
                (epoch, index, end) -> {
                    long started = System.nanoTime();
                    DataSet minibatch = data.minibatch(epoch, index);
                    long made = System.nanoTime();
                    Nd4j.getRandom().setSeed(data.randomSeed(epoch, index));
                    network.fit(minibatch);
                    times[0] += (System.nanoTime() - made) / 1e9;
                    times[1] += (made - started) / 1e9;
                    return network.score();
                },
                progress);
    }
}
