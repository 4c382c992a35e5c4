package org.mnistspark.tune;

/**
 * The outcome of one run of a tuning job.
 *
 * @param rungs     the job's rungs in the table now (committed by this run or earlier ones)
 * @param trained   rungs this run trained and committed
 * @param failed    rungs whose training failed in this run
 */
public record TuneResult(String job, int rungs, int trained, int failed) {
    public boolean succeeded() {
        return failed == 0;
    }
}
