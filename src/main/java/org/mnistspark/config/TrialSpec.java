package org.mnistspark.config;

import java.util.Locale;

/** One point of the sweep's grid: the hyperparameters of a single trial. */
public record TrialSpec(
        int hiddenChannels,
        int kernelSize,
        double dropout,
        int epochs,
        String optimizer,
        double learningRate,
        double momentum,
        int batchSize,
        int averagingFrequency,
        long seed,
        double trainFraction,
        String engine,
        int workers) {

    /**
     * The smallest minibatch a worker may fit: below it every image costs several times more (oneDNN's
     * fixed cost per call), and averaging models fitted on a few images each drifts from the one-process
     * result (measured in the issue "Scale out": 64 workers of 1 image lost 0.004 of test accuracy).
     */
    public static final int MIN_MINIBATCH_PER_WORKER = 8;

    static TrialSpec of(Grid.Point point) {
        return new TrialSpec(
                point.get(ModelOptions.HIDDEN_CHANNELS),
                point.get(ModelOptions.KERNEL_SIZE),
                point.get(ModelOptions.DROPOUT),
                point.get(TrainingOptions.EPOCHS),
                point.get(TrainingOptions.OPTIMIZER),
                point.get(TrainingOptions.LEARNING_RATE),
                point.get(TrainingOptions.MOMENTUM),
                point.get(TrainingOptions.BATCH_SIZE),
                point.get(TrainingOptions.AVERAGING_FREQUENCY),
                point.get(TrainingOptions.SEED),
                point.get(DataOptions.TRAIN_FRACTION),
                point.get(TrainingOptions.ENGINE),
                point.get(DataOptions.WORKERS));
    }

    /** The same configuration trained for another number of epochs (a tuning job's rung). */
    public TrialSpec withEpochs(int epochs) {
        return new TrialSpec(hiddenChannels, kernelSize, dropout, epochs, optimizer, learningRate, momentum, batchSize,
                averagingFrequency, seed, trainFraction, engine, workers);
    }

    /**
     * Each worker's minibatch: {@code fixedPerWorker} when set (above 0), else the global batch shared out
     * among the workers, rounded up.
     */
    public int minibatchPerWorker(int fixedPerWorker) {
        return fixedPerWorker > 0 ? fixedPerWorker : (batchSize + workers - 1) / workers;
    }

    /**
     * How long the trial should take, in relative units, to start the longest first when trials train
     * side by side (so that the last of them does not run alone while the other cores idle). Only the
     * order counts. Measured on the default grid: 2 epochs take about 22 + 1.43 h seconds on 2 cores
     * (h = 2 to 32), so a fixed part plus one that grows with the hidden channels.
     */
    public double expectedWork() {
        return epochs * trainFraction * (15.0 + hiddenChannels);
    }

    /**
     * The hyperparameters as one locale-independent line, for progress output and trial ids. Never
     * change what existing fields print: trial ids are hashed from it, and finished trials are found by
     * id. A field added later prints only where it differs from what trials did before it existed, so
     * those trials keep their ids. The workers are not here: they are in the trial's setup (TrialIdentity),
     * as they were before they were a grid key.
     */
    public String canonical() {
        return String.format(Locale.ROOT,
                "hidden=%d kernel=%d dropout=%s epochs=%d optimizer=%s lr=%s momentum=%s batch=%d averaging=%d seed=%d fraction=%s",
                hiddenChannels, kernelSize, dropout, epochs, optimizer, learningRate, momentum, batchSize,
                averagingFrequency, seed, trainFraction)
                + (engine.equals(TrainingOptions.DL4J_ENGINE) ? "" : " engine=" + engine);
    }
}
