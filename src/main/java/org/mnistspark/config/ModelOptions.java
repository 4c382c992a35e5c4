package org.mnistspark.config;

import java.util.List;

import static org.mnistspark.config.Setting.DOUBLE;
import static org.mnistspark.config.Setting.INT;

/**
 * The CNN's hyperparameters, each a grid.
 *
 * @param hiddenChannels channels of the first convolution (the seed's "hidden channels")
 * @param kernelSize     side of both convolution kernels
 * @param dropout        probability that spatial dropout after the second convolution drops a channel
 */
public record ModelOptions(List<Integer> hiddenChannels, List<Integer> kernelSize, List<Double> dropout) {
    /** A 256-channel first convolution is already 64 times the seed's widest; past it workers run out of memory. */
    static final int MAX_HIDDEN_CHANNELS = 256;

    static final Setting<List<Integer>> HIDDEN_CHANNELS = Setting.grid("model.hidden-channels", "--hidden-channels",
            INT, List.of(2, 5, 10, 20, 32), n -> n > 0 && n <= MAX_HIDDEN_CHANNELS,
            "must be 1 to " + MAX_HIDDEN_CHANNELS + " (more would not fit a worker's memory)",
            "Channels of the first convolution (the seed's hidden channels).");
    static final Setting<List<Integer>> KERNEL_SIZE = Setting.grid("model.kernel-size", "--kernel-size", INT,
            List.of(5), ModelOptions::kernelFits, "must be between 1 and 9 so that 28x28 images keep a positive size",
            "Side of both convolution kernels.");
    static final Setting<List<Double>> DROPOUT = Setting.grid("model.dropout", "--dropout", DOUBLE, List.of(0.2),
            p -> p >= 0 && p < 1, "must be in [0, 1)",
            "Probability that spatial dropout after the second convolution drops a channel.");

    static final List<Setting<?>> SETTINGS = List.of(HIDDEN_CHANNELS, KERNEL_SIZE, DROPOUT);

    static ModelOptions read(ConfParser p) {
        return new ModelOptions(p.get(HIDDEN_CHANNELS), p.get(KERNEL_SIZE), p.get(DROPOUT));
    }

    /** Conv k, pool 2, conv k, pool 2 on 28x28 must leave at least 1x1. */
    static boolean kernelFits(int k) {
        if (k < 1) {
            return false;
        }
        int afterFirst = (28 - k + 1) / 2;
        return afterFirst >= k && (afterFirst - k + 1) / 2 >= 1;
    }
}
