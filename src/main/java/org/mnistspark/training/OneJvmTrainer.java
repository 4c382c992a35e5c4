package org.mnistspark.training;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.mnistspark.data.MnistImages;
import org.mnistspark.data.TrainingSet;
import org.mnistspark.model.CnnSpec;
import org.mnistspark.model.MnistCnn;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;

/**
 * One trial in this JVM with DL4J alone, no Spark: {@code MultiLayerNetwork.fit} on minibatches of the
 * global batch size, in the same seeded order and with the same dropout seeds as the Spark engines.
 * The benchmark's compute floor: what one process does with the cores OpenMP gives it.
 */
public final class OneJvmTrainer {
    private OneJvmTrainer() {}

    /** @param run its minibatch size is the global batch; its engine and averaging frequency are ignored */
    public static List<EpochResult> train(CnnSpec spec, TrainingRun run, MnistImages train, MnistImages test,
                                          TrainingProgress progress) {
        MultiLayerNetwork network = MnistCnn.create(spec);
        TrainingSet data = new TrainingSet(train, run.trainFraction(), run.seed(), run.minibatchSize(), run.mean(),
                run.std());
        List<EpochResult> results = new ArrayList<>();
        for (int epoch = 1; epoch <= run.epochs(); epoch++) {
            long start = System.nanoTime();
            long fitNanos = 0;
            double weightedLoss = 0;
            for (int index = 0; index < data.minibatches(); index++) {
                var minibatch = data.minibatch(epoch, index);
                Nd4j.getRandom().setSeed(data.randomSeed(epoch, index));
                long fitStart = System.nanoTime();
                network.fit(minibatch);
                fitNanos += System.nanoTime() - fitStart;
                weightedLoss += network.score() * minibatch.numExamples();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            TestEvaluation.Totals totals = TestEvaluation.evaluate(network, test, run.mean(), run.std());
            double fit = fitNanos / 1e9;
            EpochResult result = new EpochResult(epoch, weightedLoss / data.images(),
                    totals.nllSum() / totals.examples(), totals.correct(), totals.examples(),
                    (double) totals.correct() / totals.examples(), seconds, data.images() / seconds, data.images(),
                    new EpochResult.Breakdown(fit, seconds - fit, 0, 0), totals.confusion());
            results.add(result);
            progress.epochDone(result);
        }
        return results;
    }
}
