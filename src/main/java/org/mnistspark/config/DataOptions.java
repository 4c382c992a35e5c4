package org.mnistspark.config;

import java.util.List;

import static org.mnistspark.config.Setting.DOUBLE;
import static org.mnistspark.config.Setting.INT;
import static org.mnistspark.config.Setting.PATH;
import static org.mnistspark.config.Setting.TEXT;

/**
 * Where the data is and how a trial's training set is split among its workers.
 *
 * @param dir           folder of the four MNIST IDX files (plain or .gz); any Hadoop path
 * @param trainFraction grid: share of the training set, stratified by label and seeded
 * @param trainLimit    only the first N training images (0: all)
 * @param testLimit     only the first N test images (0: all)
 * @param workers       grid: the workers that train one trial side by side, each on its share of every
 *                      averaging round; part of the trial's configuration, never taken from the cluster
 */
public record DataOptions(String dir, List<Double> trainFraction, int trainLimit, int testLimit, List<Integer> workers) {

    static final Setting<String> DIR = Setting.single("data.dir", "--data", PATH, "data/mnist",
            s -> !s.isBlank(), "must not be empty",
            "Folder holding the four MNIST IDX files (plain or .gz): any Hadoop path.");
    static final Setting<List<Double>> TRAIN_FRACTION = Setting.grid("data.train-fraction", "--train-fraction",
            DOUBLE, List.of(1.0), f -> f > 0 && f <= 1, "must be in (0, 1]",
            "Share of the training set used, stratified by label and seeded.");
    static final Setting<Integer> TRAIN_LIMIT = Setting.single("data.train-limit", "--train-limit", INT, 0,
            n -> n >= 0, "must be 0 (all) or a positive count",
            "Use only the first N training images (0: all); for quick trials and tests.");
    static final Setting<Integer> TEST_LIMIT = Setting.single("data.test-limit", "--test-limit", INT, 0,
            n -> n >= 0, "must be 0 (all) or a positive count", "Use only the first N test images (0: all).");
    /**
     * Two workers of 32 images make the seed's global batch of 64. The default is fixed, not the cluster's
     * cores: a trial trains the same on a laptop and on a cluster, and keeps its id (a bigger cluster runs
     * more trials side by side instead, {@link ParallelOptions}).
     */
    static final Setting<List<Integer>> WORKERS = Setting.grid("data.workers", "--workers", INT, List.of(2),
            n -> n >= 1 && n <= 1024, "must be 1 to 1024 (0, every core of the cluster, is no longer offered: a "
                    + "trial's workers are part of its configuration; a bigger cluster runs more trials at once, "
                    + "see sweep.parallel-trials)",
            "Workers that train one trial together with parameter averaging, each on its share of every round; "
                    + "part of the trial's configuration (and id), whatever the cluster.");
    static final List<Setting<?>> SETTINGS = List.of(DIR, TRAIN_FRACTION, TRAIN_LIMIT, TEST_LIMIT, WORKERS);

    static DataOptions read(ConfParser p) {
        return new DataOptions(p.get(DIR), p.get(TRAIN_FRACTION), p.get(TRAIN_LIMIT), p.get(TEST_LIMIT),
                p.get(WORKERS));
    }
}
