package org.mnistspark.sweep;

import org.mnistspark.config.TrialSpec;
import org.mnistspark.results.TrialRecord;

/**
 * What became of one point of the grid in this sweep.
 *
 * @param record the committed row (trained now or by an earlier run); null if the trial failed
 * @param error  why the trial failed; null otherwise
 */
public record TrialSummary(String trialId, TrialSpec spec, Outcome outcome, TrialRecord record, String error) {
    /** SKIPPED: committed already; CLAIMED: another sweep is training it now. */
    public enum Outcome {
        TRAINED,
        SKIPPED,
        CLAIMED,
        FAILED
    }
}
