package org.mnistspark.training;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.datavec.spark.util.BroadcastHadoopConfigHolder;
import org.datavec.spark.util.SerializableHadoopConfig;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.mnistspark.model.NativeRuntime;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

import java.io.InputStream;
import java.io.Serializable;
import java.util.Iterator;
import java.util.List;

/**
 * Test loss and accuracy of a network over the test minibatch files, computed where the files are read
 * (on the executors) in one pass. The loss is PyTorch's test loss: the mean negative log-likelihood of
 * the true label, with dropout off.
 */
final class TestEvaluation {
    /**
     * Summed over minibatches, then divided once: exact counts, no averaging of averages.
     * A class, not a record: Spark's Kryo 4 cannot serialize records.
     */
    static final class Totals implements Serializable {
        private static final long serialVersionUID = 1L;
        private final double nllSum;
        private final long correct;
        private final long examples;

        Totals(double nllSum, long correct, long examples) {
            this.nllSum = nllSum;
            this.correct = correct;
            this.examples = examples;
        }

        double nllSum() {
            return nllSum;
        }

        long correct() {
            return correct;
        }

        long examples() {
            return examples;
        }

        Totals plus(Totals other) {
            return new Totals(nllSum + other.nllSum, correct + other.correct, examples + other.examples);
        }
    }

    /** Probabilities are clipped here before the log so a saturated softmax gives a large, finite loss. */
    static final double MIN_PROBABILITY = 1e-30;

    private TestEvaluation() {}

    static Totals evaluate(JavaSparkContext sc, MultiLayerNetwork network, List<String> testPaths, int partitions) {
        Broadcast<String> configuration = sc.broadcast(network.getLayerWiseConfigurations().toJson());
        Broadcast<INDArray> parameters = sc.broadcast(network.params().dup());
        Broadcast<SerializableHadoopConfig> hadoop = BroadcastHadoopConfigHolder.get(sc);
        try {
            JavaRDD<String> paths = sc.parallelize(testPaths, Math.max(1, Math.min(partitions, testPaths.size())));
            return paths.mapPartitions((Iterator<String> files) -> {
                NativeRuntime.configure();
                MultiLayerNetwork net = new MultiLayerNetwork(MultiLayerConfiguration.fromJson(configuration.value()));
                net.init(parameters.value().dup(), false);
                Totals totals = new Totals(0, 0, 0);
                while (files.hasNext()) {
                    Path file = new Path(files.next());
                    FileSystem fs = file.getFileSystem(hadoop.value().getConfiguration());
                    DataSet minibatch = new DataSet();
                    try (InputStream in = fs.open(file)) {
                        minibatch.load(in);
                    }
                    totals = totals.plus(score(net.output(minibatch.getFeatures(), false), minibatch.getLabels()));
                }
                return List.of(totals).iterator();
            }).reduce(Totals::plus);
        } finally {
            configuration.destroy();
            parameters.destroy();
        }
    }

    /** NLL sum and correct count of one minibatch's softmax outputs against one-hot labels. */
    static Totals score(INDArray probabilities, INDArray oneHotLabels) {
        float[][] p = probabilities.toFloatMatrix();
        float[][] y = oneHotLabels.toFloatMatrix();
        double nll = 0;
        long correct = 0;
        for (int row = 0; row < p.length; row++) {
            int label = argMax(y[row]);
            nll -= Math.log(Math.max(p[row][label], MIN_PROBABILITY));
            if (argMax(p[row]) == label) {
                correct++;
            }
        }
        return new Totals(nll, correct, p.length);
    }

    private static int argMax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }
}
