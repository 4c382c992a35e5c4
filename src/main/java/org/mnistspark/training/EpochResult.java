package org.mnistspark.training;

/**
 * One epoch of one trial.
 *
 * @param trainLoss    mean over the epoch's averaging rounds of the workers' last-minibatch loss (dropout on)
 * @param testLoss     mean negative log-likelihood over the test set (dropout off)
 * @param testAccuracy testCorrect / testExamples, exactly
 * @param seconds      wall time of the epoch's training, without evaluation
 */
public record EpochResult(int epoch, double trainLoss, double testLoss, long testCorrect, long testExamples,
                          double testAccuracy, double seconds, double imagesPerSecond, long trainImages) {}
