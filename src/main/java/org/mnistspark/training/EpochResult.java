package org.mnistspark.training;

/**
 * One epoch of one trial.
 *
 * @param trainLoss    mean over the epoch's averaging rounds of the workers' last-minibatch loss (dropout on)
 * @param testLoss     mean negative log-likelihood over the test set (dropout off)
 * @param testAccuracy testCorrect / testExamples, exactly
 * @param seconds      wall time of the epoch's training, without evaluation
 * @param time         where a worker's share of those seconds went
 * @param confusion    the test images counted by true label (row) and predicted label (column)
 */
public record EpochResult(
        int epoch,
        double trainLoss,
        double testLoss,
        long testCorrect,
        long testExamples,
        double testAccuracy,
        double seconds,
        double imagesPerSecond,
        long trainImages,
        Breakdown time,
        long[][] confusion) {

    /**
     * An epoch's wall time split up, per worker (summed over workers, divided by their number).
     *
     * @param fitSeconds   inside DL4J's fit: forward, backward and update (ND4J, oneDNN)
     * @param dataSeconds  making minibatches from the images in memory
     * @param setupSeconds loading the averaged state into the worker's network (the persistent engine;
     *                     DL4J's engine builds a network each round, which counts as other)
     * @param otherSeconds the rest: Spark's jobs and scheduling, the averaging, waiting for the slowest
     *                     worker, and DL4J's per-round network building
     */
    public record Breakdown(double fitSeconds, double dataSeconds, double setupSeconds, double otherSeconds) {}
}
