package org.mnistspark.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mnistspark.config.SweepConfig;

/** With trials side by side, the sweep starts the longest first; equal ones keep the grid's order. */
class LongestFirstTest {
    @Test
    void moreHiddenChannelsEpochsOrImagesStartFirstAndTiesKeepGridOrder() {
        SweepConfig grid = SweepConfig.load(
                null,
                List.of(
                        "model.hidden-channels=[2,5,32,10]",
                        "training.epochs=[1,3]",
                        "training.learning-rate=[0.01,0.02]"));
        // The grid's order: hidden channels outermost, then epochs, then the learning rate (SweepConfigTest).
        List<String> order = Sweep.longestFirst(grid.trials()).stream()
                .map(i -> grid.trials().get(i).hiddenChannels() + "x"
                        + grid.trials().get(i).epochs() + "@"
                        + grid.trials().get(i).learningRate())
                .toList();
        assertThat(order).startsWith("32x3@0.01", "32x3@0.02", "10x3@0.01", "10x3@0.02", "5x3@0.01");
        assertThat(order.get(order.size() - 1)).isEqualTo("2x1@0.02");
        assertThat(Sweep.longestFirst(
                        SweepConfig.load(null, List.of("model.hidden-channels=[10]", "data.train-fraction=[0.5,1.0]"))
                                .trials()))
                .as("more of the training set first")
                .containsExactly(1, 0);
    }
}
