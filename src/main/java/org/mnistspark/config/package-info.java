/**
 * The one typed configuration of a sweep ({@link org.mnistspark.config.SweepConfig}). Each setting is
 * declared once, as a {@link org.mnistspark.config.Setting} in the record of its concern
 * ({@code DataOptions}, {@code ModelOptions}, {@code TrainingOptions}, {@code NormalizationOptions},
 * {@code OutputOptions}): key, default, rule, help and command-line option. {@code ConfParser} holds the
 * mechanism: the command line over a {@code --conf} file over the defaults, checked before Spark starts.
 * {@link org.mnistspark.config.TrialSpec} is one point of the grid.
 */
package org.mnistspark.config;
