/**
 * Using the trained models: {@link org.mnistspark.inference.ModelSelection} picks a trial's model from
 * the results table ({@code run_id}, {@code trial_id} or {@code best:<experiment>});
 * {@link org.mnistspark.inference.BatchPrediction} applies it to a folder of IDX files or a Parquet
 * table as a Spark job (the model's zip broadcast once, restored once per executor JVM, batches per
 * partition) and commits a Parquet table of predictions whole or not at all;
 * {@link org.mnistspark.inference.PredictionServer} answers SageMaker's container contract
 * ({@code GET /ping}, {@code POST /invocations}) over HTTP, with a drawing page at {@code /}.
 * Depends on {@code results}, {@code data}, {@code model} and {@code storage}.
 */
package org.mnistspark.inference;
