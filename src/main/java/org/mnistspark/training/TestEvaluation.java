package org.mnistspark.training;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.mnistspark.data.Minibatches;
import org.mnistspark.data.MnistImages;
import org.mnistspark.model.MnistCnn;
import org.mnistspark.model.NativeRuntime;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Test loss and accuracy of a network over the test images, computed on the executors from the
 * broadcast images in one pass. The loss is PyTorch's test loss: the mean negative log-likelihood of
 * the true label, with dropout off.
 */
final class TestEvaluation {
    /**
     * Summed over minibatches, then divided once: exact counts, no averaging of averages. The counts
     * are the confusion matrix; correct and examples follow from it.
     * A class, not a record: Spark's Kryo 4 cannot serialize records.
     */
    static final class Totals implements Serializable {
        private static final long serialVersionUID = 1L;
        private final double nllSum;
        private final long[] confusion;

        /** @param confusion 10 x 10 counts, row-major: [true label × 10 + predicted label] */
        Totals(double nllSum, long[] confusion) {
            this.nllSum = nllSum;
            this.confusion = confusion;
        }

        static Totals none() {
            return new Totals(0, new long[MnistCnn.CLASSES * MnistCnn.CLASSES]);
        }

        double nllSum() {
            return nllSum;
        }

        long correct() {
            long correct = 0;
            for (int label = 0; label < MnistCnn.CLASSES; label++) {
                correct += confusion[label * MnistCnn.CLASSES + label];
            }
            return correct;
        }

        long examples() {
            return Arrays.stream(confusion).sum();
        }

        /** The confusion matrix: row = true label, column = predicted label. */
        long[][] confusion() {
            long[][] matrix = new long[MnistCnn.CLASSES][];
            for (int label = 0; label < MnistCnn.CLASSES; label++) {
                matrix[label] = Arrays.copyOfRange(confusion, label * MnistCnn.CLASSES, (label + 1) * MnistCnn.CLASSES);
            }
            return matrix;
        }

        Totals plus(Totals other) {
            long[] sum = confusion.clone();
            for (int i = 0; i < sum.length; i++) {
                sum[i] += other.confusion[i];
            }
            return new Totals(nllSum + other.nllSum, sum);
        }
    }

    /** Probabilities are clipped here before the log so a saturated softmax gives a large, finite loss. */
    static final double MIN_PROBABILITY = 1e-30;

    private TestEvaluation() {}

    /** Test images per minibatch; speed only, not results, depends on it. */
    static final int MINIBATCH = 500;

    /**
     * Evaluates the network on the broadcast test images, in {@code partitions} tasks, each building the
     * network once from a broadcast of its configuration and parameters.
     */
    static Totals evaluate(
            JavaSparkContext sc,
            MultiLayerNetwork network,
            Broadcast<MnistImages> test,
            int count,
            int partitions,
            double mean,
            double std) {
        Broadcast<String> configuration =
                sc.broadcast(network.getLayerWiseConfigurations().toJson());
        Broadcast<float[]> parameters = sc.broadcast(network.params().toFloatVector());
        try {
            List<Integer> minibatches = IntStream.range(0, (count + MINIBATCH - 1) / MINIBATCH)
                    .boxed()
                    .toList();
            return sc.parallelize(minibatches, Math.max(1, Math.min(partitions, minibatches.size())))
                    .mapPartitions((Iterator<Integer> indices) -> {
                        NativeRuntime.configureThread();
                        MultiLayerNetwork net =
                                new MultiLayerNetwork(MultiLayerConfiguration.fromJson(configuration.value()));
                        net.init(
                                Nd4j.create(parameters.value(), new long[] {1, parameters.value().length}, 'c'), false);
                        Totals totals = Totals.none();
                        while (indices.hasNext()) {
                            totals = totals.plus(evaluate(net, test.value(), indices.next(), mean, std));
                        }
                        return List.of(totals).iterator();
                    })
                    .reduce(Totals::plus);
        } finally {
            configuration.destroy();
            parameters.destroy();
        }
    }

    /** The network on all of {@code test}, in this JVM. */
    static Totals evaluate(MultiLayerNetwork network, MnistImages test, double mean, double std) {
        Totals totals = Totals.none();
        for (int index = 0; index * MINIBATCH < test.count(); index++) {
            totals = totals.plus(evaluate(network, test, index, mean, std));
        }
        return totals;
    }

    /** Test minibatch {@code index}: images {@code [index × MINIBATCH, ...)} in file order. */
    private static Totals evaluate(MultiLayerNetwork network, MnistImages test, int index, double mean, double std) {
        int from = index * MINIBATCH;
        DataSet minibatch = Minibatches.toDataSet(
                test,
                IntStream.range(0, test.count()).toArray(),
                from,
                Math.min(test.count(), from + MINIBATCH),
                mean,
                std);
        return score(network.output(minibatch.getFeatures(), false), minibatch.getLabels());
    }

    /** NLL sum and confusion counts of one minibatch's softmax outputs against one-hot labels. */
    static Totals score(INDArray probabilities, INDArray oneHotLabels) {
        float[][] p = probabilities.toFloatMatrix();
        float[][] y = oneHotLabels.toFloatMatrix();
        double nll = 0;
        long[] confusion = new long[MnistCnn.CLASSES * MnistCnn.CLASSES];
        for (int row = 0; row < p.length; row++) {
            int label = argMax(y[row]);
            nll -= Math.log(Math.max(p[row][label], MIN_PROBABILITY));
            confusion[label * MnistCnn.CLASSES + argMax(p[row])]++;
        }
        return new Totals(nll, confusion);
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
