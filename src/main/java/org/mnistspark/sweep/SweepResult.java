package org.mnistspark.sweep;

import java.util.List;

/** The outcome of one sweep, in grid order; {@code parallelTrials}: how many trained at once. */
public record SweepResult(String experiment, String resultsLocation, int parallelTrials, List<TrialSummary> trials) {

    public long count(TrialSummary.Outcome outcome) {
        return trials.stream().filter(t -> t.outcome() == outcome).count();
    }

    public boolean succeeded() {
        return count(TrialSummary.Outcome.FAILED) == 0;
    }
}
