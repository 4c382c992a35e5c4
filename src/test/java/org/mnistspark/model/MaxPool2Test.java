package org.mnistspark.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.mnistspark.config.Optimizer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/** MaxPool2 must compute exactly what DL4J's own max-pooling layer (oneDNN's) computes, ties included. */
class MaxPool2Test {
    private static Layer layer(org.deeplearning4j.nn.conf.layers.Layer conf, int channels, int side) {
        MultiLayerConfiguration configuration = new NeuralNetConfiguration.Builder()
                .dataType(DataType.FLOAT)
                .list()
                .layer(conf)
                .setInputType(InputType.convolutional(side, side, channels))
                .build();
        MultiLayerNetwork network = new MultiLayerNetwork(configuration);
        network.init();
        return network.getLayer(0);
    }

    private static INDArray[] forwardAndBackward(Layer layer, INDArray input, INDArray epsilon) {
        LayerWorkspaceMgr workspaces = LayerWorkspaceMgr.noWorkspaces();
        layer.setInput(input, workspaces);
        INDArray output = layer.activate(true, workspaces).dup();
        INDArray gradient =
                layer.backpropGradient(epsilon, workspaces).getSecond().dup();
        return new INDArray[] {output, gradient};
    }

    @Test
    void forwardAndBackwardEqualDl4jsPoolingBitForBitWithTies() {
        NativeRuntime.configureThread();
        Nd4j.getRandom().setSeed(3);
        // relu'd noise (a quarter of each window is zero on average), one plane of equal values, and odd sides
        // (25: the last row and column are dropped, as DL4J's truncate mode does)
        INDArray input = Transforms.relu(Nd4j.randn(DataType.FLOAT, 8, 3, 25, 25));
        input.get(NDArrayIndex.point(0), NDArrayIndex.point(0)).assign(1.0);
        INDArray epsilon = Nd4j.randn(DataType.FLOAT, 8, 3, 12, 12);
        INDArray[] dl4j = forwardAndBackward(
                layer(
                        new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
                                .kernelSize(2, 2)
                                .stride(2, 2)
                                .build(),
                        3,
                        25),
                input,
                epsilon);
        Layer ours = layer(MaxPool2.create(), 3, 25);
        assertThat(ours).isInstanceOf(MaxPool2.Impl.class);
        INDArray[] mine = forwardAndBackward(ours, input, epsilon);
        assertThat(mine[0].shape()).containsExactly(8, 3, 12, 12);
        assertThat(mine[0]).isEqualTo(dl4j[0]);
        assertThat(mine[1])
                .as("each window's gradient goes to its first maximum")
                .isEqualTo(dl4j[1]);
        assertThat(mine[1].get(
                                NDArrayIndex.point(0),
                                NDArrayIndex.point(0),
                                NDArrayIndex.point(0),
                                NDArrayIndex.point(0))
                        .getFloat(0))
                .as("a window of four equal values: the top left one")
                .isEqualTo(epsilon.getFloat(0, 0, 0, 0));
    }

    /** A model saved with DL4J's pooling (before MaxPool2) predicts the same with MaxPool2 in its place. */
    @Test
    void anOlderModelsPoolingIsReplacedWithTheSamePredictions() {
        MultiLayerConfiguration old = MnistCnn.configuration(new CnnSpec(5, 5, 0.2, Optimizer.SGD, 0.01, 0.5, 2));
        for (int i : new int[] {1, 4}) {
            old.getConf(i)
                    .setLayer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
                            .kernelSize(2, 2)
                            .stride(2, 2)
                            .build());
        }
        MultiLayerNetwork network = new MultiLayerNetwork(old);
        network.init();
        PyTorchInit.apply(network, 2);
        MultiLayerNetwork replaced = MaxPool2.replacingPooling(network);
        assertThat(replaced.getLayer(1)).isInstanceOf(MaxPool2.Impl.class);
        assertThat(replaced.getLayer(4)).isInstanceOf(MaxPool2.Impl.class);
        INDArray images = Nd4j.rand(DataType.FLOAT, 16, 784);
        assertThat(replaced.output(images, false)).isEqualTo(network.output(images, false));
        assertThat(MaxPool2.replacingPooling(replaced))
                .as("nothing left to replace")
                .isSameAs(replaced);
    }

    @Test
    void aSavedConfigurationReadsBackAsMaxPool2() {
        MultiLayerConfiguration configuration =
                MnistCnn.configuration(new CnnSpec(10, 5, 0.2, Optimizer.SGD, 0.01, 0.5, 1));
        MultiLayerConfiguration read = MultiLayerConfiguration.fromJson(configuration.toJson());
        assertThat(read).isEqualTo(configuration);
        assertThat(read.getConf(1).getLayer()).isInstanceOf(MaxPool2.class);
    }
}
