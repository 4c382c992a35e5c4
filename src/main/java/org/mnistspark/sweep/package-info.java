/**
 * The sweep ({@link org.mnistspark.sweep.Sweep}): for each grid point the results table lacks, train,
 * save the model, commit the rows; trial identity ({@code TrialIdentity}) decides what "lacks" means,
 * and {@code ConsoleReport} prints progress and the summary.
 */
package org.mnistspark.sweep;
