package org.mnistspark.training;

/** What the trainer reports while it runs; the sweep prints it. */
public interface TrainingProgress {
    /** Called after an averaging round when another report is due. */
    void minibatches(int epoch, long imagesDone, long imagesInEpoch, double loss, double imagesPerSecond);

    /** Called after each epoch's evaluation. */
    void epochDone(EpochResult result);
}
