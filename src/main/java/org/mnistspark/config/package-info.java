/**
 * The typed configuration of a sweep ({@link org.mnistspark.config.SweepConfig}) and of a tuning job
 * ({@link org.mnistspark.config.TuneConfig}). Each hyperparameter is declared once in
 * {@link org.mnistspark.config.Hyperparameters} (its setting, column, legend label and part of the trial
 * id); the grid ({@code Grid}), a trial's values ({@link org.mnistspark.config.TrialSpec}) and everything
 * downstream are derived from those declarations. The other settings are declared once each, as a
 * {@link org.mnistspark.config.Setting} in the record of their concern ({@code DataOptions},
 * {@code TrainingOptions}, {@code NormalizationOptions}, {@code OutputOptions}, {@code ParallelOptions}, and a
 * tuning job's {@code SearchOptions}): key, default, rule, help and command-line option; the {@code settings}
 * command prints them all (docs/settings.md). {@code ConfParser} holds the mechanism: the command line over a
 * {@code --conf} file over the defaults, checked before Spark starts. Choices are enums
 * ({@code Optimizer}, {@code TrainingEngine}, {@code SearchStrategy}). A tuning job draws its points from a
 * {@link org.mnistspark.config.Distribution} per hyperparameter instead of the grid.
 */
package org.mnistspark.config;
