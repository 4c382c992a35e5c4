package org.mnistspark.training;

import java.io.PrintStream;
import java.util.Locale;

/** What the trainer reports while it runs. */
public interface TrainingProgress {
    /** Called after an averaging round when another report is due. */
    void minibatches(int epoch, long imagesDone, long imagesInEpoch, double loss, double imagesPerSecond);

    /** Called after each epoch's evaluation. */
    void epochDone(EpochResult result);

    /**
     * Progress as console lines, for a trial of {@code epochs} epochs, each line begun with {@code label}
     * (which trial it is, when several train at once; "" for none). Each line is printed whole, by one call.
     */
    static TrainingProgress printing(PrintStream out, String label, int epochs) {
        return new TrainingProgress() {
            @Override
            public void minibatches(
                    int epoch, long imagesDone, long imagesInEpoch, double loss, double imagesPerSecond) {
                out.printf(
                        Locale.ROOT,
                        "%s  epoch %d/%d [%6d/%d %5.1f%%] loss %.4f  %.0f images/s%n",
                        label,
                        epoch,
                        epochs,
                        imagesDone,
                        imagesInEpoch,
                        100.0 * imagesDone / imagesInEpoch,
                        loss,
                        imagesPerSecond);
            }

            @Override
            public void epochDone(EpochResult r) {
                EpochResult.Breakdown t = r.time();
                out.printf(
                        Locale.ROOT,
                        "%s  epoch %d/%d done: test loss %.6f, test accuracy %d/%d = %.4f; "
                                + "train loss %.6f; %.1f s, %.0f images/s%n"
                                + "%s    per worker: fit %.1f s, data %.1f s, setup %.1f s, other %.1f s "
                                + "(Spark jobs, averaging, waiting)%n",
                        label,
                        r.epoch(),
                        epochs,
                        r.testLoss(),
                        r.testCorrect(),
                        r.testExamples(),
                        r.testAccuracy(),
                        r.trainLoss(),
                        r.seconds(),
                        r.imagesPerSecond(),
                        label,
                        t.fitSeconds(),
                        t.dataSeconds(),
                        t.setupSeconds(),
                        t.otherSeconds());
            }
        };
    }
}
