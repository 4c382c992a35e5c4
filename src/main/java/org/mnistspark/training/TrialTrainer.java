package org.mnistspark.training;

import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.mnistspark.data.TrainingSet;
import org.mnistspark.model.CnnSpec;
import org.mnistspark.model.MnistCnn;

import java.util.ArrayList;
import java.util.List;

/**
 * Trains one network with DL4J's parameter averaging on Spark and evaluates it on the test set after
 * every epoch.
 *
 * <p>Each averaging round is one {@code fitPaths} call over exactly {@code workers × averagingFrequency}
 * minibatch files, sliced evenly into {@code workers} partitions: each worker fits its minibatches, read
 * from shared storage, and the driver averages parameters and updater state. Driving the rounds here
 * (rather than handing DL4J the whole epoch) lets the driver report progress and keeps the data order
 * exactly the seeded one.
 */
public final class TrialTrainer {
    private final JavaSparkContext sc;
    private final int workers;
    private final int workerPrefetch;

    public TrialTrainer(JavaSparkContext sc, int workers, int workerPrefetch) {
        this.sc = sc;
        this.workers = workers;
        this.workerPrefetch = workerPrefetch;
    }

    /** A trained network and its per-epoch results. */
    public record Outcome(MultiLayerNetwork network, List<EpochResult> epochs) {}

    public Outcome train(CnnSpec spec, int epochs, int averagingFrequency, TrainingSet data, List<String> testPaths,
                         int reportEveryMinibatches, TrainingProgress progress) throws Exception {
        MultiLayerNetwork network = MnistCnn.create(spec);
        ParameterAveragingTrainingMaster master = new ParameterAveragingTrainingMaster.Builder(workers, data.minibatchSize())
                .batchSizePerWorker(data.minibatchSize())
                .averagingFrequency(averagingFrequency)
                .workerPrefetchNumBatches(workerPrefetch)
                .saveUpdater(true) // average momentum too, so averaging every step equals synchronous SGD
                .repartionData(Repartition.Never) // our partitions are already balanced
                .collectTrainingStats(false)
                // DL4J caches the paths RDD of every round and never frees it; it is a parallelized list
                // of a few names, so recomputing it is free and caching it only fills the block manager.
                .storageLevelStreams(null)
                .rngSeed(spec.seed())
                .build();
        SparkDl4jMultiLayer sparkNetwork = new SparkDl4jMultiLayer(sc, network, master);
        MinibatchLoader loader = new MinibatchLoader();
        int perRound = workers * averagingFrequency;

        List<EpochResult> results = new ArrayList<>();
        for (int epoch = 1; epoch <= epochs; epoch++) {
            List<String> paths = data.minibatchPaths(epoch);
            long start = System.nanoTime();
            double weightedLoss = 0;
            long imagesDone = 0;
            int minibatchesDone = 0;
            int nextReport = reportEveryMinibatches;
            for (int from = 0; from < paths.size(); from += perRound) {
                List<String> round = paths.subList(from, Math.min(paths.size(), from + perRound));
                sparkNetwork.fitPaths(sc.parallelize(round, Math.min(workers, round.size())), loader);
                long roundImages = Math.min((long) round.size() * data.minibatchSize(), data.images() - imagesDone);
                imagesDone += roundImages;
                minibatchesDone += round.size();
                double loss = sparkNetwork.getScore();
                weightedLoss += loss * roundImages;
                if (minibatchesDone >= nextReport || minibatchesDone == paths.size()) {
                    nextReport = (minibatchesDone / reportEveryMinibatches + 1) * reportEveryMinibatches;
                    progress.minibatches(epoch, imagesDone, data.images(), loss, imagesDone / seconds(start));
                }
            }
            double seconds = seconds(start);
            network = sparkNetwork.getNetwork();
            TestEvaluation.Totals test = TestEvaluation.evaluate(sc, network, testPaths, workers);
            EpochResult result = new EpochResult(epoch, weightedLoss / imagesDone, test.nllSum() / test.examples(),
                    test.correct(), test.examples(), (double) test.correct() / test.examples(), seconds,
                    imagesDone / seconds, imagesDone);
            results.add(result);
            progress.epochDone(result);
        }
        return new Outcome(sparkNetwork.getNetwork(), List.copyOf(results));
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
