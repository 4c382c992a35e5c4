package org.mnistspark.sweep;

import java.util.List;

/** The outcome of one sweep, in grid order. */
public record SweepResult(String experiment, String resultsLocation, int workers, List<TrialSummary> trials) {

    public long count(TrialSummary.Outcome outcome) {
        return trials.stream().filter(t -> t.outcome() == outcome).count();
    }

    public boolean succeeded() {
        return count(TrialSummary.Outcome.FAILED) == 0;
    }
}
