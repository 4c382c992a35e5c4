package org.mnistspark.data;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class MinibatchesTest {
    @TempDir
    Path dir;

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
    void aSetCompletedByAnotherWriterMeanwhileIsKeptNotReplaced() throws Exception {
        MnistImages images = images();
        int[] order = Minibatches.stratifiedSubset(images, 1.0, 1);
        List<String> outer = store().ensure("set", 2, i -> {
            if (i == 1) { // while this writer is busy, another one completes the same set
                try {
                    store().ensure("set", 2, j -> Minibatches.toDataSet(images, order, 500 + j * 10, 510 + j * 10, 0, 1));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return Minibatches.toDataSet(images, order, i * 10, i * 10 + 10, 0, 1);
        });
        assertThat(load(outer.get(0))).as("the writer that published first wins; the other uses its copy")
                .isEqualTo(Minibatches.toDataSet(images, order, 500, 510, 0, 1));
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.filter(f -> !f.getFileName().toString().startsWith(".")))
                    .as("the marker and the one published copy; the loser removed its own (checksum files aside)")
                    .hasSize(2);
        }
        assertThat(store().ensure("set", 2, i -> {
            throw new AssertionError("a published set must not be written again");
        })).isEqualTo(outer);
    }

    @Test
    void storeWritesOnceAndReusesCompleteSets() throws Exception {
        MinibatchStore store = store();
        MnistImages images = images();
        int[] order = Minibatches.stratifiedSubset(images, 1.0, 1);
        int[] calls = {0};
        List<String> paths = store.ensure("set", 4, i -> {
            calls[0]++;
            return Minibatches.toDataSet(images, order, i * 10, i * 10 + 10, 0, 1);
        });
        assertThat(paths).hasSize(4);
        assertThat(calls[0]).isEqualTo(4);
        assertThat(store.ensure("set", 4, i -> {
            throw new AssertionError("a complete set must not be written again");
        })).isEqualTo(paths);
        assertThat(load(paths.get(2))).isEqualTo(Minibatches.toDataSet(images, order, 20, 30, 0, 1));
        assertThat(dir.resolve("set" + MinibatchStore.MARKER_SUFFIX)).exists();
    }

    private MinibatchStore store() throws IOException {
        return new MinibatchStore(dir.toString(), new Configuration());
    }

    private static DataSet load(String uri) throws IOException {
        DataSet loaded = new DataSet();
        try (InputStream in = Files.newInputStream(Paths.get(URI.create(uri)))) {
            loaded.load(in);
        }
        return loaded;
    }
}
