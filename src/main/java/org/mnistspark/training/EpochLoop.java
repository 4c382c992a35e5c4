package org.mnistspark.training;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.mnistspark.data.TrainingSet;

/**
 * The epochs of one trial, for both trainers ({@link TrialTrainer} on Spark, {@link OneJvmTrainer} in one
 * JVM): each epoch's minibatches in rounds of {@code perRound}, in order; the train loss as the mean of the
 * rounds' losses weighted by the images each round fitted; a progress report after the round that reaches
 * the next multiple of {@code reportEvery} minibatches and after the epoch's last round; then the test
 * evaluation and where the epoch's time went.
 */
final class EpochLoop {
    /** Fits minibatches {@code [from, to)} of {@code epoch} as one round and returns the round's loss. */
    interface Round {
        double fit(int epoch, int from, int to) throws Exception;
    }

    private final TrainingSet data;
    private final int perRound;
    private final int workers;
    private final int reportEvery;
    private final Supplier<double[]> times;
    private final Supplier<TestEvaluation.Totals> evaluation;

    /**
     * @param data        the trial's training set: its counts of minibatches and images
     * @param perRound    minibatches a round fits (all workers together)
     * @param workers     the workers the measured times are summed over: the breakdown is per worker
     * @param reportEvery a progress report every this many minibatches (rounded up to rounds)
     * @param times       the seconds spent so far fitting, making minibatches and setting up workers, summed
     *                    over workers
     * @param evaluation  the test evaluation of the network as the rounds left it
     */
    EpochLoop(
            TrainingSet data,
            int perRound,
            int workers,
            int reportEvery,
            Supplier<double[]> times,
            Supplier<TestEvaluation.Totals> evaluation) {
        this.data = data;
        this.perRound = perRound;
        this.workers = workers;
        this.reportEvery = reportEvery;
        this.times = times;
        this.evaluation = evaluation;
    }

    /** Trains epochs {@code first} to {@code last}; reports each to {@code progress} and returns them. */
    List<EpochResult> run(int first, int last, Round round, TrainingProgress progress) throws Exception {
        int minibatches = data.minibatches();
        List<EpochResult> results = new ArrayList<>();
        for (int epoch = first; epoch <= last; epoch++) {
            double[] timesBefore = times.get();
            long start = System.nanoTime();
            double weightedLoss = 0;
            long imagesDone = 0;
            int nextReport = reportEvery;
            for (int from = 0; from < minibatches; from += perRound) {
                int to = Math.min(minibatches, from + perRound);
                double loss = round.fit(epoch, from, to);
                long roundImages = Math.min((long) (to - from) * data.minibatchSize(), data.images() - imagesDone);
                imagesDone += roundImages;
                weightedLoss += loss * roundImages;
                if (to >= nextReport || to == minibatches) {
                    nextReport = (to / reportEvery + 1) * reportEvery;
                    progress.minibatches(epoch, imagesDone, data.images(), loss, imagesDone / seconds(start));
                }
            }
            double seconds = seconds(start);
            TestEvaluation.Totals test = evaluation.get();
            EpochResult result = new EpochResult(
                    epoch,
                    weightedLoss / imagesDone,
                    test.nllSum() / test.examples(),
                    test.correct(),
                    test.examples(),
                    (double) test.correct() / test.examples(),
                    seconds,
                    imagesDone / seconds,
                    imagesDone,
                    breakdown(seconds, timesBefore, times.get()),
                    test.confusion());
            results.add(result);
            progress.epochDone(result);
        }
        return List.copyOf(results);
    }

    /** Per worker: the times' growth over the epoch divided by the workers; the rest is other. */
    private EpochResult.Breakdown breakdown(double seconds, double[] before, double[] after) {
        double fit = (after[0] - before[0]) / workers;
        double data = (after[1] - before[1]) / workers;
        double setup = (after[2] - before[2]) / workers;
        return new EpochResult.Breakdown(fit, data, setup, Math.max(0, seconds - fit - data - setup));
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
