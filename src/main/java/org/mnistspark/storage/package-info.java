/**
 * Hadoop FileSystem helpers every other package uses, so that {@code file:}, {@code hdfs:} and
 * {@code s3a:} paths behave alike: whole-or-nothing writes, writability probes, SHA-256 sums, and
 * Hadoop's settings before Spark starts. No Spark here.
 */
package org.mnistspark.storage;
