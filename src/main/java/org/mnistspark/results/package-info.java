/**
 * The job's outputs: the Parquet results table ({@code trials/} and {@code epochs/}; {@code ResultsTable})
 * with its schema, per-trial atomic commits ({@code CommitProtocol}), claims that keep two sweeps from
 * training one trial twice ({@code TrialClaims}), {@code vacuum}, and reading back with Spark SQL: the views
 * and every query over them ({@code Views}), the one order of "best" ({@code BestOrder}) and the trials'
 * statuses ({@code Status}); and the model files the table points to
 * ({@link org.mnistspark.results.ModelStore}).
 */
package org.mnistspark.results;
