/**
 * MNIST in: the IDX reader, the dataset with its SHA-256 sums, staging to other storage, seeded
 * stratified subsets and per-epoch shuffles, normalization, and the minibatch files executors read
 * ({@link org.mnistspark.data.TrainingSet}). Hadoop FileSystem only, no Spark.
 */
package org.mnistspark.data;
