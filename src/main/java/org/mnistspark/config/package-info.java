/**
 * The typed configuration of a sweep ({@link org.mnistspark.config.SweepConfig}) and of a tuning job
 * ({@link org.mnistspark.config.TuneConfig}). Each setting is declared once, as a
 * {@link org.mnistspark.config.Setting} in the record of its concern ({@code DataOptions},
 * {@code ModelOptions}, {@code TrainingOptions}, {@code NormalizationOptions}, {@code OutputOptions},
 * {@code ParallelOptions}, and a tuning job's {@code SearchOptions}): key, default, rule, help and
 * command-line option; the {@code settings} command prints them all (docs/settings.md). {@code ConfParser}
 * holds the mechanism: the command line over a {@code --conf} file over the defaults, checked before
 * Spark starts. {@code Grid} is the Cartesian product of the grid settings, and
 * {@link org.mnistspark.config.TrialSpec} one point of it; a tuning job draws its points from a
 * {@link org.mnistspark.config.Distribution} per grid key instead.
 */
package org.mnistspark.config;
