package org.mnistspark.config;

import static org.mnistspark.config.Setting.BOOLEAN;
import static org.mnistspark.config.Setting.INT;
import static org.mnistspark.config.Setting.PATH;

import java.util.List;

/**
 * Where results and models go, and how the sweep reports.
 *
 * @param results       the results table (a folder holding trials/ and epochs/); any Hadoop path
 * @param models        where each trial's model is saved; "" saves none
 * @param rerun         train trials again even when the table has them
 * @param progressEvery a progress line every N minibatches (rounded to averaging rounds)
 */
public record OutputOptions(String results, String models, boolean rerun, int progressEvery) {

    static final Setting<String> RESULTS = Setting.single(
            "output.results",
            "--results",
            PATH,
            "results",
            s -> !s.isBlank(),
            "must not be empty",
            "The results table (a folder holding trials/ and epochs/): any Hadoop path.");
    static final Setting<String> MODELS = Setting.single(
            "output.models",
            "--models",
            PATH,
            "models",
            s -> true,
            "",
            "Where each trial's trained model is saved (a DL4J zip): any Hadoop path; \"\" saves none.");
    static final Setting<Boolean> RERUN = Setting.single(
            "output.rerun",
            "--rerun",
            BOOLEAN,
            false,
            b -> true,
            "",
            "Train trials again even when the results table already has them.");
    static final Setting<Integer> PROGRESS_EVERY = Setting.single(
            "output.progress-every",
            "--progress-every",
            INT,
            100,
            n -> n > 0,
            "must be at least 1",
            "Print training progress every N minibatches (rounded to averaging rounds).");

    static final List<Setting<?>> SETTINGS = List.of(RESULTS, MODELS, RERUN, PROGRESS_EVERY);

    static OutputOptions read(ConfParser p) {
        return new OutputOptions(p.get(RESULTS), p.get(MODELS), p.get(RERUN), p.get(PROGRESS_EVERY));
    }
}
