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
        String engine) {

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
                point.get(TrainingOptions.ENGINE));
    }

    /** The same configuration trained for another number of epochs (a tuning job's rung). */
    public TrialSpec withEpochs(int epochs) {
        return new TrialSpec(hiddenChannels, kernelSize, dropout, epochs, optimizer, learningRate, momentum, batchSize,
                averagingFrequency, seed, trainFraction, engine);
    }

    /**
     * The hyperparameters as one locale-independent line, for progress output and trial ids. Never
     * change what existing fields print: trial ids are hashed from it, and finished trials are found by
     * id. A field added later prints only where it differs from what trials did before it existed, so
     * those trials keep their ids.
     */
    public String canonical() {
        return String.format(Locale.ROOT,
                "hidden=%d kernel=%d dropout=%s epochs=%d optimizer=%s lr=%s momentum=%s batch=%d averaging=%d seed=%d fraction=%s",
                hiddenChannels, kernelSize, dropout, epochs, optimizer, learningRate, momentum, batchSize,
                averagingFrequency, seed, trainFraction)
                + (engine.equals(TrainingOptions.DL4J_ENGINE) ? "" : " engine=" + engine);
    }
}
