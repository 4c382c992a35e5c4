/**
 * Training one network on Spark with parameter averaging, and its distributed test evaluation: the
 * rounds ({@link org.mnistspark.training.TrialTrainer}) and the epochs around them ({@code EpochLoop}, which
 * {@link org.mnistspark.training.OneJvmTrainer}, DL4J without Spark, shares), the two engines behind
 * {@code Engine}, made by name in {@code Engines} (the default {@code PersistentWorkers}, whose workers stay
 * in their executors between rounds, and DL4J's own {@code Dl4jAveraging}), the cores a cluster offers
 * ({@code ExecutorCores}), and where a worker's time goes ({@code WorkerTimes}).
 */
package org.mnistspark.training;
