package org.mnistspark.training;

import org.mnistspark.config.TrainingEngine;

/**
 * How one trial trains, beyond its network: the engine, the data it sees and how parameter averaging
 * goes.
 *
 * @param engine             how averaging rounds run on Spark; null for the one-JVM baseline, which has none
 * @param trainFraction      share of the training images (stratified, seeded)
 * @param seed               seeds the share, the order of every epoch and the dropout masks
 * @param workers            workers that fit each averaging round side by side (one Spark task each)
 * @param minibatchSize      each worker's minibatch
 * @param averagingFrequency minibatches each worker fits between two averagings
 * @param mean               normalization: (pixel / 255 - mean) / std
 */
public record TrainingRun(
        TrainingEngine engine,
        int epochs,
        double trainFraction,
        long seed,
        int workers,
        int minibatchSize,
        int averagingFrequency,
        double mean,
        double std) {}
