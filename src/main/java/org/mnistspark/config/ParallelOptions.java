package org.mnistspark.config;

import static org.mnistspark.config.Setting.INT;

import java.util.List;

/**
 * How many trials train at once: what a bigger cluster is for. A trial's own training is fixed by its
 * configuration (its workers among it), so running trials side by side changes no trial's numbers, only
 * how soon the sweep or tuning job ends.
 *
 * @param parallelTrials trials (or tuning rungs) in flight at once; 0: twice the executors' cores divided
 *                       by the workers per trial, at least 1
 */
public record ParallelOptions(int parallelTrials) {

    static final Setting<Integer> PARALLEL_TRIALS = Setting.single(
            "sweep.parallel-trials",
            "--parallel-trials",
            INT,
            0,
            n -> n >= 0 && n <= 1024,
            "must be 0 (from the executors' cores) or 1 to 1024",
            "Trials (tuning rungs) trained at once, each from its own driver thread in its own FAIR scheduler "
                    + "pool; 0: twice the executors' cores divided by the workers per trial (two tasks a core fill "
                    + "the gaps between a trial's rounds), at least 1. No trial's numbers depend on it.");

    static final List<Setting<?>> SETTINGS = List.of(PARALLEL_TRIALS);

    static ParallelOptions read(ConfParser p) {
        return new ParallelOptions(p.get(PARALLEL_TRIALS));
    }
}
