package org.mnistspark.config;

import static org.mnistspark.config.Setting.INT;
import static org.mnistspark.config.Setting.PATH;

import java.util.List;

/**
 * Where the data is and how much of it a sweep uses. The share of the training set and the workers are
 * hyperparameters ({@link Hyperparameters#TRAIN_FRACTION}, {@link Hyperparameters#WORKERS}).
 *
 * @param dir        folder of the four MNIST IDX files (plain or .gz); any Hadoop path
 * @param trainLimit only the first N training images (0: all)
 * @param testLimit  only the first N test images (0: all)
 */
public record DataOptions(String dir, int trainLimit, int testLimit) {

    static final Setting<String> DIR = Setting.single(
            "data.dir",
            "--data",
            PATH,
            "data/mnist",
            s -> !s.isBlank(),
            "must not be empty",
            "Folder holding the four MNIST IDX files (plain or .gz): any Hadoop path.");
    static final Setting<Integer> TRAIN_LIMIT = Setting.single(
            "data.train-limit",
            "--train-limit",
            INT,
            0,
            n -> n >= 0,
            "must be 0 (all) or a positive count",
            "Use only the first N training images (0: all); for quick trials and tests.");
    static final Setting<Integer> TEST_LIMIT = Setting.single(
            "data.test-limit",
            "--test-limit",
            INT,
            0,
            n -> n >= 0,
            "must be 0 (all) or a positive count",
            "Use only the first N test images (0: all).");
    static final List<Setting<?>> SETTINGS = List.of(DIR, TRAIN_LIMIT, TEST_LIMIT);

    static DataOptions read(ConfParser p) {
        return new DataOptions(p.get(DIR), p.get(TRAIN_LIMIT), p.get(TEST_LIMIT));
    }
}
