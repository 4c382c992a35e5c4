package org.mnistspark.sweep;

import java.util.List;

/**
 * The outcome of one sweep, in grid order; {@code parallelTrials}: how many trained at once;
 * {@code trainingSeconds}: wall time from the first trial's start to the last one's end.
 */
public record SweepResult(
        String experiment,
        String resultsLocation,
        int parallelTrials,
        double trainingSeconds,
        List<TrialSummary> trials) {

    public long count(TrialSummary.Outcome outcome) {
        return trials.stream().filter(t -> t.outcome() == outcome).count();
    }

    public boolean succeeded() {
        return count(TrialSummary.Outcome.FAILED) == 0;
    }
}
