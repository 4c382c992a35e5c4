/**
 * The job's entry point ({@link org.mnistspark.cli.MnistSpark}) and its picocli subcommands: {@code sweep}
 * (the default), {@code tune}, {@code query}, {@code report}, {@code predict}, {@code serve},
 * {@code stage}, {@code vacuum}, {@code baseline}, {@code round-cost} and {@code settings} (the settings
 * reference as Markdown, docs/settings.md). Each reads its options and the configuration before Spark
 * starts; the options come from the settings' declarations in {@code org.mnistspark.config}.
 */
package org.mnistspark.cli;
