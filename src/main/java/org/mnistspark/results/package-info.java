/**
 * The job's outputs: the Parquet results table ({@code trials/} and {@code epochs/}) with its schema,
 * per-trial atomic commits, claims that keep two sweeps from training one trial twice
 * ({@code TrialClaims}), {@code vacuum}, and reading back with Spark SQL and its views; the queries the
 * job prints; and the model files the table points to ({@link org.mnistspark.results.ModelStore}).
 */
package org.mnistspark.results;
