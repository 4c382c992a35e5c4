package org.mnistspark.config;

import static org.mnistspark.config.Hyperparameters.AVERAGING_FREQUENCY;
import static org.mnistspark.config.Hyperparameters.BATCH_SIZE;
import static org.mnistspark.config.Hyperparameters.DROPOUT;
import static org.mnistspark.config.Hyperparameters.ENGINE;
import static org.mnistspark.config.Hyperparameters.EPOCHS;
import static org.mnistspark.config.Hyperparameters.HIDDEN_CHANNELS;
import static org.mnistspark.config.Hyperparameters.KERNEL_SIZE;
import static org.mnistspark.config.Hyperparameters.LEARNING_RATE;
import static org.mnistspark.config.Hyperparameters.MOMENTUM;
import static org.mnistspark.config.Hyperparameters.OPTIMIZER;
import static org.mnistspark.config.Hyperparameters.SEED;
import static org.mnistspark.config.Hyperparameters.TRAIN_FRACTION;
import static org.mnistspark.config.Hyperparameters.WORKERS;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * One point of the sweep's grid: a value of every {@link Hyperparameters hyperparameter}, read with
 * {@link #get}. The named accessors are shorthands for the code that trains.
 */
public record TrialSpec(Map<Hyperparameter<?>, Object> values) {

    /**
     * The smallest minibatch a worker may fit: below it every image costs several times more (oneDNN's
     * fixed cost per call), and averaging models fitted on a few images each drifts from the one-process
     * result (measured in the issue "Scale out": 64 workers of 1 image lost 0.004 of test accuracy).
     */
    public static final int MIN_MINIBATCH_PER_WORKER = 8;

    public TrialSpec {
        Map<Hyperparameter<?>, Object> ordered = new LinkedHashMap<>();
        for (Hyperparameter<?> h : Hyperparameters.ALL) {
            Object value = Objects.requireNonNull(values.get(h), () -> "a trial needs a value of " + h.key());
            ordered.put(h, h.valueType().cast(value));
        }
        values = java.util.Collections.unmodifiableMap(ordered);
    }

    /** Every hyperparameter at its default (the seed project's trial with the first hidden-channel count). */
    public static TrialSpec defaults() {
        return new TrialSpec(
                Hyperparameters.ALL.stream().collect(Collectors.toMap(h -> h, Hyperparameter::defaultValue)));
    }

    public <T> T get(Hyperparameter<T> hyperparameter) {
        return hyperparameter.valueType().cast(values.get(hyperparameter));
    }

    /** The same configuration with one value changed (a tuning job's rung: other epochs). */
    public <T> TrialSpec with(Hyperparameter<T> hyperparameter, T value) {
        Map<Hyperparameter<?>, Object> changed = new LinkedHashMap<>(values);
        changed.put(hyperparameter, value);
        return new TrialSpec(changed);
    }

    public int hiddenChannels() {
        return get(HIDDEN_CHANNELS);
    }

    public int kernelSize() {
        return get(KERNEL_SIZE);
    }

    public double dropout() {
        return get(DROPOUT);
    }

    public int epochs() {
        return get(EPOCHS);
    }

    public Optimizer optimizer() {
        return get(OPTIMIZER);
    }

    public double learningRate() {
        return get(LEARNING_RATE);
    }

    public double momentum() {
        return get(MOMENTUM);
    }

    public int batchSize() {
        return get(BATCH_SIZE);
    }

    public int averagingFrequency() {
        return get(AVERAGING_FREQUENCY);
    }

    public long seed() {
        return get(SEED);
    }

    public double trainFraction() {
        return get(TRAIN_FRACTION);
    }

    public TrainingEngine engine() {
        return get(ENGINE);
    }

    public int workers() {
        return get(WORKERS);
    }

    /**
     * Each worker's minibatch: {@code fixedPerWorker} when set (above 0), else the global batch shared out
     * among the workers, rounded up.
     */
    public int minibatchPerWorker(int fixedPerWorker) {
        return fixedPerWorker > 0 ? fixedPerWorker : (batchSize() + workers() - 1) / workers();
    }

    /**
     * How long the trial should take, in relative units, to start the longest first when trials train
     * side by side (so that the last of them does not run alone while the other cores idle). Only the
     * order counts. Measured on the default grid: 2 epochs take about 22 + 1.43 h seconds on 2 cores
     * (h = 2 to 32), so a fixed part plus one that grows with the hidden channels.
     */
    public double expectedWork() {
        return epochs() * trainFraction() * (15.0 + hiddenChannels());
    }

    /**
     * The hyperparameters as one locale-independent line, for progress output and trial ids: each
     * {@link Hyperparameter.IdPart} in its position, as {@code name=value}. Trial ids are hashed from it, and
     * finished trials are found by id, so what a hyperparameter prints never changes, and one added later
     * prints nothing at the value trials had before it existed (TrialIdTest pins two ids).
     */
    public String canonical() {
        StringBuilder line = new StringBuilder();
        for (Hyperparameter<?> h : Hyperparameters.IN_ID) {
            Object value = values.get(h);
            if (value.equals(h.id().omittedWhen())) {
                continue;
            }
            line.append(line.length() == 0 ? "" : " ")
                    .append(h.id().name())
                    .append('=')
                    .append(value);
        }
        return line.toString();
    }

    @Override
    public String toString() {
        return canonical() + " workers=" + workers();
    }
}
