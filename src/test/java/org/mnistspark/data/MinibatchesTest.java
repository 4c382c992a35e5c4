package org.mnistspark.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;

class MinibatchesTest {
    /** 1,000 images, label i % 10 except that label 0 is twice as common as the others. */
    private static MnistImages images() {
        int n = 1000;
        byte[] labels = new byte[n];
        byte[] pixels = new byte[n * 4];
        for (int i = 0; i < n; i++) {
            labels[i] = (byte) (i % 11 == 10 ? 0 : i % 11);
            pixels[i * 4] = (byte) i;
        }
        return new MnistImages(n, 2, 2, pixels, labels);
    }

    private static int[] labelCounts(MnistImages images, int[] indices) {
        int[] counts = new int[10];
        for (int i : indices) {
            counts[images.label(i)]++;
        }
        return counts;
    }

    @Test
    void stratifiedSubsetKeepsEachLabelsShare() {
        MnistImages images = images();
        int[] all = labelCounts(images, Minibatches.stratifiedSubset(images, 1.0, 1));
        int[] quarter = labelCounts(images, Minibatches.stratifiedSubset(images, 0.25, 1));
        for (int label = 0; label < 10; label++) {
            assertThat((long) quarter[label]).as("label " + label).isEqualTo(Math.round(all[label] * 0.25));
        }
        assertThat(Arrays.stream(all).sum()).isEqualTo(1000);
    }

    @Test
    void subsetIsSeededAndWithoutDuplicates() {
        MnistImages images = images();
        int[] a = Minibatches.stratifiedSubset(images, 0.5, 1);
        assertThat(Minibatches.stratifiedSubset(images, 0.5, 1)).isEqualTo(a);
        assertThat(Minibatches.stratifiedSubset(images, 0.5, 2)).isNotEqualTo(a);
        assertThat(a).doesNotHaveDuplicates();
    }

    @Test
    void eachEpochIsADifferentPermutation() {
        int[] subset = Minibatches.stratifiedSubset(images(), 1.0, 1);
        int[] first = Minibatches.epochOrder(subset, 1, 1);
        int[] second = Minibatches.epochOrder(subset, 1, 2);
        assertThat(second).isNotEqualTo(first);
        assertThat(subset).isNotEqualTo(first);
        assertThat(Minibatches.epochOrder(subset, 1, 1)).isEqualTo(first);
        assertThat(first).containsExactlyInAnyOrder(subset);
    }

    @Test
    void minibatchIsNormalizedAndOneHot() {
        MnistImages images = new MnistImages(2, 1, 2, new byte[] {0, (byte) 255, 51, 102}, new byte[] {3, 9});
        DataSet batch = Minibatches.toDataSet(images, new int[] {1, 0}, 0, 2, 0.1307, 0.3081);
        assertThat(batch.getFeatures().shape()).containsExactly(2, 2);
        assertThat(batch.getFeatures().getDouble(0, 0)).isCloseTo((0.2 - 0.1307) / 0.3081, within(1e-6));
        assertThat(batch.getFeatures().getDouble(0, 1)).isCloseTo((0.4 - 0.1307) / 0.3081, within(1e-6));
        assertThat(batch.getFeatures().getDouble(1, 0)).isCloseTo((0 - 0.1307) / 0.3081, within(1e-6));
        assertThat(batch.getFeatures().getDouble(1, 1)).isCloseTo((1 - 0.1307) / 0.3081, within(1e-6));
        assertThat(batch.getLabels().getDouble(0, 9)).isEqualTo(1.0);
        assertThat(batch.getLabels().getDouble(1, 3)).isEqualTo(1.0);
        assertThat(batch.getLabels().sumNumber().doubleValue()).isEqualTo(2.0);
    }

    @Test
    void eachEpochCoversTheShareOnceInMinibatchesOfOneSize() {
        MnistImages images = images();
        TrainingSet set = new TrainingSet(images, 0.5, 7, 32, 0, 1);
        int[] share = Minibatches.stratifiedSubset(images, 0.5, 7);
        assertThat(set.images()).isEqualTo(share.length);
        assertThat(set.minibatches()).isEqualTo((share.length + 31) / 32);
        List<Double> seen = new java.util.ArrayList<>();
        for (int index = 0; index < set.minibatches(); index++) {
            DataSet minibatch = set.minibatch(1, index);
            assertThat(minibatch.numExamples()).isEqualTo(index < set.minibatches() - 1 ? 32 : share.length % 32);
            for (int row = 0; row < minibatch.numExamples(); row++) {
                seen.add(minibatch.getFeatures().getDouble(row, 0)); // pixel 0 is the image's index mod 256, / 255
            }
        }
        List<Double> expected = Arrays.stream(share)
                .mapToObj(i -> (double) (float) ((i & 0xFF) / 255.0))
                .toList();
        assertThat(seen).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void minibatchesAndDropoutSeedsAreTheSameInEveryJvmAndDifferPerEpoch() {
        MnistImages images = images();
        TrainingSet one = new TrainingSet(images, 1.0, 3, 16, 0.1307, 0.3081);
        TrainingSet other = new TrainingSet(images, 1.0, 3, 16, 0.1307, 0.3081);
        assertThat(other.minibatch(2, 5)).isEqualTo(one.minibatch(2, 5));
        assertThat(other.minibatch(1, 5)).isNotEqualTo(one.minibatch(2, 5));
        assertThat(other.randomSeed(2, 5)).isEqualTo(one.randomSeed(2, 5));
        List<Long> seeds = new java.util.ArrayList<>();
        for (int epoch = 1; epoch <= 3; epoch++) {
            for (int index = 0; index < one.minibatches(); index++) {
                seeds.add(one.randomSeed(epoch, index));
            }
        }
        assertThat(seeds).doesNotHaveDuplicates();
        assertThat(new TrainingSet(images, 1.0, 4, 16, 0.1307, 0.3081).randomSeed(2, 5))
                .isNotEqualTo(one.randomSeed(2, 5));
    }
}
