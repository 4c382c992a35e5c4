/**
 * Training one network on Spark with parameter averaging, and its distributed test evaluation: the
 * rounds and epochs ({@link org.mnistspark.training.TrialTrainer}), the two engines behind
 * {@code Engine} (the default {@code PersistentWorkers}, whose workers stay in their executors between
 * rounds, and DL4J's own {@code Dl4jAveraging}), the cores a cluster offers ({@code ExecutorCores}), and
 * where a worker's time goes ({@code WorkerTimes}). DL4J without Spark is {@code OneJvmTrainer}.
 */
package org.mnistspark.training;
