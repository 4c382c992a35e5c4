package org.mnistspark.training;

import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mnistspark.TestSpark;
import org.mnistspark.config.SweepConfig;
import org.mnistspark.data.MinibatchStore;
import org.mnistspark.data.MnistDataset;
import org.mnistspark.data.TrainingSet;
import org.mnistspark.model.CnnSpec;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
        MnistDataset mnist = MnistDataset.load(TestSpark.mnistDir().toString(), sc.hadoopConfiguration());
        MinibatchStore store = new MinibatchStore(dir.toString(), sc.hadoopConfiguration());
        TrainingSet data = new TrainingSet(store, "key", mnist.train().first(320), 1.0, 1, 32, 0.1307, 0.3081);
        List<String> paths = data.minibatchPaths(1);
        Files.delete(Path.of(URI.create(paths.get(0))));
        Files.delete(Path.of(URI.create(paths.get(5))));
        // The test set (for the evaluation after the epoch) is readable: only training can fail here.
        List<String> test = store.ensureTestSet("key", mnist.test().first(100), 0.1307, 0.3081);
        TrainingProgress quiet = new TrainingProgress() {
            public void minibatches(int epoch, long done, long all, double loss, double rate) {}

            public void epochDone(EpochResult result) {}
        };
        // The default worker prefetch (0). With prefetch, DL4J's AsyncDataSetIterator hangs here when its
        // loading thread fails after the training thread already waits for the next minibatch.
        int prefetch = SweepConfig.load(null, List.of()).training().workerPrefetch();
        assertThatThrownBy(() -> new TrialTrainer(sc, 2, prefetch).train(new CnnSpec(3, 5, 0.2, "sgd", 0.01, 0.5, 1),
                1, 5, data, test, 100, quiet))
                .hasMessageMatching("(?s).*mb-0000[05]\\.bin.*"); // whichever worker failed first names its file
    }
}
