package org.mnistspark.config;

import java.util.List;

import static org.mnistspark.config.Setting.DOUBLE;
import static org.mnistspark.config.Setting.INT;
import static org.mnistspark.config.Setting.PATH;
import static org.mnistspark.config.Setting.TEXT;

/**
 * Where the data is and how it is split among workers.
 *
 * @param dir           folder of the four MNIST IDX files (plain or .gz); any Hadoop path
 * @param trainFraction grid: share of the training set, stratified by label and seeded
 * @param trainLimit    only the first N training images (0: all)
 * @param testLimit     only the first N test images (0: all)
 * @param workers       parallel workers; 0: the executors' total cores
 */
public record DataOptions(String dir, List<Double> trainFraction, int trainLimit, int testLimit, int workers) {

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
    static final Setting<Integer> WORKERS = Setting.single("data.workers", "--workers", INT, 0,
            n -> n >= 0, "must be 0 (all executor cores) or a positive count",
            "Parallel workers (partitions trained at once); 0: the executors' total cores.");
    static final List<Setting<?>> SETTINGS = List.of(DIR, TRAIN_FRACTION, TRAIN_LIMIT, TEST_LIMIT, WORKERS);

    static DataOptions read(ConfParser p) {
        return new DataOptions(p.get(DIR), p.get(TRAIN_FRACTION), p.get(TRAIN_LIMIT), p.get(TEST_LIMIT),
                p.get(WORKERS));
    }
}
