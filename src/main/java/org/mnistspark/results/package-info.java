/**
 * The Parquet results table ({@code trials/} and {@code epochs/}): its schema, per-trial atomic
 * commits, reading back with Spark SQL, and printing query results.
 */
package org.mnistspark.results;
