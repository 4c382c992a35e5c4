/**
 * The job's entry point ({@link org.mnistspark.cli.MnistSpark}) and its subcommands on picocli: each
 * reads its options and the configuration before Spark starts, then runs a sweep, a query over the
 * results table, or the staging of MNIST. Options come from the settings' declarations in
 * {@code org.mnistspark.config}.
 */
package org.mnistspark.cli;
