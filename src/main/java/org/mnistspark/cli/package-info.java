/**
 * The job's entry point ({@link org.mnistspark.cli.MnistSpark}): parses the command line, reads the
 * configuration before Spark starts, and runs the sweep or a query over the results table.
 */
package org.mnistspark.cli;
