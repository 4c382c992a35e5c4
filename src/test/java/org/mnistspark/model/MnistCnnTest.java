package org.mnistspark.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.dropout.SpatialDropout;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mnistspark.config.Optimizer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.lossfunctions.impl.LossNegativeLogLikelihood;

class MnistCnnTest {
    private static CnnSpec spec(int hidden) {
        return new CnnSpec(hidden, 5, 0.2, Optimizer.SGD, 0.01, 0.5, 1);
    }

    @Test
    void tenHiddenChannelsHaveThePyTorchOriginalsParameterCount() {
        // conv1 10*1*5*5+10, conv2 20*10*5*5+20, fc1 320*50+50, fc2 50*10+10: 21,840 in PyTorch's summary.
        assertThat(MnistCnn.create(spec(10)).numParams()).isEqualTo(21_840);
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 5, 10, 20, 32})
    void parameterCountsPerLayer(int h) {
        MultiLayerNetwork net = MnistCnn.create(spec(h));
        long[] expected = {h * 25L + h, 0, 20L * h * 25 + 20, 0, 0, 320 * 50 + 50, 50 * 10 + 10};
        long[] actual = new long[net.getnLayers()];
        for (int i = 0; i < actual.length; i++) {
            actual[i] = net.getLayer(i).numParams();
        }
        assertThat(actual).containsExactly(expected);
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 32})
    void layerOutputShapes(int h) {
        MultiLayerNetwork net = MnistCnn.create(spec(h));
        List<INDArray> activations = net.feedForward(Nd4j.rand(DataType.FLOAT, 3, 784), false);
        // [input, conv1, pool1, conv2, spatial dropout, pool2, dense, output]
        assertThat(activations.get(1).shape()).containsExactly(3, h, 24, 24);
        assertThat(activations.get(2).shape()).containsExactly(3, h, 12, 12);
        assertThat(activations.get(3).shape()).containsExactly(3, 20, 8, 8);
        assertThat(activations.get(4).shape()).containsExactly(3, 20, 8, 8);
        assertThat(activations.get(5).shape()).containsExactly(3, 20, 4, 4);
        assertThat(activations.get(6).shape()).containsExactly(3, 50);
        assertThat(activations.get(7).shape()).containsExactly(3, 10);
        // Softmax rows sum to one.
        assertThat(activations.get(7).sumNumber().doubleValue()).isCloseTo(3.0, within(1e-4));
    }

    @Test
    void smallerKernelGrowsTheDenseInput() {
        MultiLayerNetwork net = MnistCnn.create(new CnnSpec(10, 3, 0.2, Optimizer.SGD, 0.01, 0.5, 1));
        // 28 -> 26 -> 13 -> 11 -> 5: the dense layer takes 20*5*5 = 500 inputs.
        assertThat(net.getLayer(5).numParams()).isEqualTo(500 * 50 + 50);
    }

    @Test
    void dropoutProbabilitiesAreConvertedToDl4jsRetainProbabilities() {
        MultiLayerNetwork net = MnistCnn.create(new CnnSpec(10, 5, 0.2, Optimizer.SGD, 0.01, 0.5, 1));
        DropoutLayer spatial =
                (DropoutLayer) net.getLayerWiseConfigurations().getConf(3).getLayer();
        assertThat(spatial.getIDropout())
                .isInstanceOfSatisfying(
                        SpatialDropout.class,
                        dropout -> assertThat(dropout.getP())
                                .isCloseTo(0.8, within(1e-12))); // Dropout2d(p=0.2) keeps 80% of channels
        OutputLayer output =
                (OutputLayer) net.getLayerWiseConfigurations().getConf(6).getLayer();
        assertThat(((Dropout) output.getIDropout()).getP()).isCloseTo(0.5, within(1e-12));
        assertThat(output.getLossFn()).isInstanceOf(LossNegativeLogLikelihood.class);
    }

    @Test
    void optimizers() {
        BaseLayer sgd = (BaseLayer)
                MnistCnn.create(spec(2)).getLayerWiseConfigurations().getConf(0).getLayer();
        assertThat(sgd.getIUpdater()).isInstanceOfSatisfying(SgdMomentum.class, momentum -> {
            assertThat(momentum.getLearningRate(0, 0)).isCloseTo(0.01, within(1e-12));
            assertThat(momentum.getMomentum()).isCloseTo(0.5, within(1e-12));
        });
        BaseLayer nesterov = (BaseLayer) MnistCnn.create(new CnnSpec(2, 5, 0.2, Optimizer.NESTEROV, 0.01, 0.5, 1))
                .getLayerWiseConfigurations()
                .getConf(0)
                .getLayer();
        assertThat(nesterov.getIUpdater())
                .isInstanceOfSatisfying(
                        Nesterovs.class,
                        updater -> assertThat(updater.getMomentum()).isCloseTo(0.5, within(1e-12)));
        BaseLayer adam = (BaseLayer) MnistCnn.create(new CnnSpec(2, 5, 0.2, Optimizer.ADAM, 0.001, 0, 1))
                .getLayerWiseConfigurations()
                .getConf(0)
                .getLayer();
        assertThat(adam.getIUpdater())
                .isInstanceOfSatisfying(
                        Adam.class,
                        updater -> assertThat(updater.getLearningRate()).isCloseTo(0.001, within(1e-12)));
    }

    @Test
    void weightsAndBiasesStartUniformInPlusMinusOneOverSqrtFanIn() {
        MultiLayerNetwork net = MnistCnn.create(spec(10));
        long[] fanIn = {25, 0, 250, 0, 0, 320, 50};
        for (int i = 0; i < fanIn.length; i++) {
            if (fanIn[i] == 0) {
                continue;
            }
            double bound = 1 / Math.sqrt(fanIn[i]);
            for (String param : new String[] {"W", "b"}) {
                INDArray values = net.getLayer(i).getParam(param);
                assertThat(values.amaxNumber().doubleValue())
                        .as("layer %d %s", i, param)
                        .isLessThanOrEqualTo(bound + 1e-6);
                // Spread over the range, not constant: biases are drawn too, unlike DL4J's zero default.
                assertThat(values.amaxNumber().doubleValue())
                        .as("layer %d %s", i, param)
                        .isGreaterThan(bound * 0.5);
            }
        }
    }

    @Test
    void configurationWithItsUpdaterSurvivesTheJsonTheExecutorsGet() {
        // SparkDl4jMultiLayer ships the configuration to executors as JSON; SgdMomentum is not DL4J's own.
        MultiLayerConfiguration conf = MnistCnn.configuration(spec(2));
        MultiLayerConfiguration back = MultiLayerConfiguration.fromJson(conf.toJson());
        assertThat(back).isEqualTo(conf);
        assertThat(((BaseLayer) back.getConf(5).getLayer()).getIUpdater()).isEqualTo(new SgdMomentum(0.01, 0.5));
    }

    @Test
    void seedMakesInitialisationReproducible() {
        assertThat(MnistCnn.create(spec(5)).params())
                .isEqualTo(MnistCnn.create(spec(5)).params());
        assertThat(MnistCnn.create(new CnnSpec(5, 5, 0.2, Optimizer.SGD, 0.01, 0.5, 2))
                        .params())
                .isNotEqualTo(MnistCnn.create(spec(5)).params());
    }
}
