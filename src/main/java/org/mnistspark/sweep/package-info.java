/**
 * The sweep: trains each grid point the results table lacks, saves its model, commits its rows,
 * and reports progress and a summary.
 */
package org.mnistspark.sweep;
