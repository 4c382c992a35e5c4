/**
 * MNIST in: the IDX reader, the dataset with its SHA-256 sums, normalization, seeded stratified
 * subsets and per-epoch shuffles, and the minibatch files executors read. Hadoop FileSystem only, no Spark.
 */
package org.mnistspark.data;
