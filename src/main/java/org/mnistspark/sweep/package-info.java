/**
 * The sweep ({@link org.mnistspark.sweep.Sweep}): for each grid point the results table lacks, claim it,
 * train, save the model and commit the rows ({@code TrialSteps}); several trials side by side, longest
 * first, each in a driver thread and a FAIR pool of its own ({@code TrialPool}). Trial identity
 * ({@code TrialIdentity}) decides what "lacks" means, and {@code ConsoleReport} prints progress and the
 * summary.
 */
package org.mnistspark.sweep;
