/**
 * MNIST in: the IDX reader, the dataset with its SHA-256 sums, staging to other storage, seeded
 * stratified subsets and per-epoch shuffles, normalization, and the minibatches a worker makes in memory
 * from the images broadcast once ({@link org.mnistspark.data.TrainingSet}, {@code Minibatches}).
 * Hadoop FileSystem only, no Spark.
 */
package org.mnistspark.data;
