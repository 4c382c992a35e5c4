package org.mnistspark.model;

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
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.lossfunctions.impl.LossNegativeLogLikelihood;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MnistCnnTest {
    private static CnnSpec spec(int hidden) {
        return new CnnSpec(hidden, 5, 0.2, "sgd", 0.01, 0.5, 1);
    }

    @Test
    void tenHiddenChannelsHaveThePyTorchOriginalsParameterCount() {
        // conv1 10*1*5*5+10, conv2 20*10*5*5+20, fc1 320*50+50, fc2 50*10+10: 21,840 in PyTorch's summary.
        assertEquals(21_840, MnistCnn.create(spec(10)).numParams());
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
        assertArrayEquals(expected, actual);
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 32})
    void layerOutputShapes(int h) {
        MultiLayerNetwork net = MnistCnn.create(spec(h));
        List<INDArray> activations = net.feedForward(Nd4j.rand(DataType.FLOAT, 3, 784), false);
        // [input, conv1, pool1, conv2, spatial dropout, pool2, dense, output]
        assertArrayEquals(new long[] {3, h, 24, 24}, activations.get(1).shape());
        assertArrayEquals(new long[] {3, h, 12, 12}, activations.get(2).shape());
        assertArrayEquals(new long[] {3, 20, 8, 8}, activations.get(3).shape());
        assertArrayEquals(new long[] {3, 20, 8, 8}, activations.get(4).shape());
        assertArrayEquals(new long[] {3, 20, 4, 4}, activations.get(5).shape());
        assertArrayEquals(new long[] {3, 50}, activations.get(6).shape());
        assertArrayEquals(new long[] {3, 10}, activations.get(7).shape());
        // Softmax rows sum to one.
        assertEquals(3.0, activations.get(7).sumNumber().doubleValue(), 1e-4);
    }

    @Test
    void smallerKernelGrowsTheDenseInput() {
        MultiLayerNetwork net = MnistCnn.create(new CnnSpec(10, 3, 0.2, "sgd", 0.01, 0.5, 1));
        // 28 -> 26 -> 13 -> 11 -> 5: the dense layer takes 20*5*5 = 500 inputs.
        assertEquals(500 * 50 + 50, net.getLayer(5).numParams());
    }

    @Test
    void dropoutProbabilitiesAreConvertedToDl4jsRetainProbabilities() {
        MultiLayerNetwork net = MnistCnn.create(new CnnSpec(10, 5, 0.2, "sgd", 0.01, 0.5, 1));
        DropoutLayer spatial = (DropoutLayer) net.getLayerWiseConfigurations().getConf(3).getLayer();
        SpatialDropout dropout = assertInstanceOf(SpatialDropout.class, spatial.getIDropout());
        assertEquals(0.8, dropout.getP(), 1e-12); // Dropout2d(p=0.2) keeps 80% of channels
        OutputLayer output = (OutputLayer) net.getLayerWiseConfigurations().getConf(6).getLayer();
        assertEquals(0.5, ((Dropout) output.getIDropout()).getP(), 1e-12);
        assertInstanceOf(LossNegativeLogLikelihood.class, output.getLossFn());
    }

    @Test
    void optimizers() {
        BaseLayer sgd = (BaseLayer) MnistCnn.create(spec(2)).getLayerWiseConfigurations().getConf(0).getLayer();
        SgdMomentum momentum = assertInstanceOf(SgdMomentum.class, sgd.getIUpdater());
        assertEquals(0.01, momentum.getLearningRate(0, 0), 1e-12);
        assertEquals(0.5, momentum.getMomentum(), 1e-12);
        BaseLayer nesterov = (BaseLayer) MnistCnn.create(new CnnSpec(2, 5, 0.2, "nesterov", 0.01, 0.5, 1))
                .getLayerWiseConfigurations().getConf(0).getLayer();
        assertEquals(0.5, assertInstanceOf(Nesterovs.class, nesterov.getIUpdater()).getMomentum(), 1e-12);
        BaseLayer adam = (BaseLayer) MnistCnn.create(new CnnSpec(2, 5, 0.2, "adam", 0.001, 0, 1))
                .getLayerWiseConfigurations().getConf(0).getLayer();
        assertEquals(0.001, assertInstanceOf(Adam.class, adam.getIUpdater()).getLearningRate(), 1e-12);
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
                assertTrue(values.amaxNumber().doubleValue() <= bound + 1e-6, "layer " + i + " " + param);
                // Spread over the range, not constant: biases are drawn too, unlike DL4J's zero default.
                assertTrue(values.amaxNumber().doubleValue() > bound * 0.5, "layer " + i + " " + param);
            }
        }
    }

    @Test
    void configurationWithItsUpdaterSurvivesTheJsonTheExecutorsGet() {
        // SparkDl4jMultiLayer ships the configuration to executors as JSON; SgdMomentum is not DL4J's own.
        MultiLayerConfiguration conf = MnistCnn.configuration(spec(2));
        MultiLayerConfiguration back = MultiLayerConfiguration.fromJson(conf.toJson());
        assertEquals(conf, back);
        assertEquals(new SgdMomentum(0.01, 0.5), ((BaseLayer) back.getConf(5).getLayer()).getIUpdater());
    }

    @Test
    void seedMakesInitialisationReproducible() {
        assertEquals(MnistCnn.create(spec(5)).params(), MnistCnn.create(spec(5)).params());
        assertNotEquals(MnistCnn.create(spec(5)).params(),
                MnistCnn.create(new CnnSpec(5, 5, 0.2, "sgd", 0.01, 0.5, 2)).params());
    }
}
