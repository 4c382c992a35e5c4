package org.mnistspark.training;

import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mnistspark.TestSpark;
import org.mnistspark.config.SweepConfig;
import org.mnistspark.data.MinibatchStore;
import org.mnistspark.data.Minibatches;
import org.mnistspark.data.MnistDataset;
import org.mnistspark.data.MnistImages;
import org.mnistspark.model.CnnSpec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrialTrainerTest {
    @TempDir
    Path dir;

    /**
     * A minibatch file that cannot be read (here the first of each worker's partition) fails the
     * training with the file named, within a time limit: it must not hang.
     */
    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // ends a hung Spark wait
    void missingMinibatchFileFailsTrainingInsteadOfHanging() throws Exception {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(TestSpark.session().sparkContext());
        MnistImages train = MnistDataset.load(TestSpark.mnistDir().toString(), sc.hadoopConfiguration())
                .train().first(320);
        int[] order = Minibatches.stratifiedSubset(train, 1.0, 1);
        MinibatchStore store = new MinibatchStore(dir.toString(), sc.hadoopConfiguration());
        List<String> paths = new ArrayList<>(store.ensure("train", 10,
                i -> Minibatches.toDataSet(train, order, i * 32, i * 32 + 32, 0.1307, 0.3081)));
        paths.set(0, dir.resolve("no-such-minibatch.bin").toUri().toString());
        paths.set(5, dir.resolve("no-such-minibatch-2.bin").toUri().toString());
        // The test set (for the evaluation after the epoch) is readable: only training can fail here.
        TrialTrainer.EpochData data = new TrialTrainer.EpochData() {
            public List<String> minibatchPaths(int epoch) {
                return paths;
            }

            public long images() {
                return 320;
            }

            public int minibatchSize() {
                return 32;
            }
        };
        TrainingProgress quiet = new TrainingProgress() {
            public void minibatches(int epoch, long done, long all, double loss, double rate) {}

            public void epochDone(EpochResult result) {}
        };
        // The default worker prefetch (0). With prefetch, DL4J's AsyncDataSetIterator hangs here when its
        // loading thread fails after the training thread already waits for the next minibatch.
        int prefetch = SweepConfig.load(null, List.of()).training().workerPrefetch();
        Exception e = assertThrows(Exception.class, () -> new TrialTrainer(sc, 2, prefetch).train(
                new CnnSpec(3, 5, 0.2, "sgd", 0.01, 0.5, 1), 1, 5, data, paths.subList(1, 3), 100, quiet));
        assertTrue(String.valueOf(e.getMessage()).contains("no-such-minibatch"), String.valueOf(e.getMessage()));
    }
}
