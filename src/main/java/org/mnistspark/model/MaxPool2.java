package org.mnistspark.model;

import java.util.Arrays;
import java.util.Collection;
import org.bytedeco.javacpp.FloatPointer;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Max-pooling over 2×2 windows with stride 2 (PyTorch's {@code F.max_pool2d(x, 2)}), computed in Java.
 * DL4J's subsampling layer runs oneDNN's pooling, which on DL4J's plain NCHW layout is its reference
 * implementation ("simple_nchw" in DNNL_VERBOSE): with its forward pass done twice per step (once to
 * train, once more in backprop for the argmax workspace) it took 16 of 36 ms of a step (h = 10, 64
 * images, one thread, docs/performance.md). Here forward is one pass over the input, and backward
 * finds each window's maximum again and routes the gradient to it. A window's first maximum in row-major
 * order wins a tie, as in oneDNN and PyTorch, so ties (common after relu) go where they went before.
 *
 * <p>The configuration is DL4J's own {@link SubsamplingLayer} (MAX, 2×2, stride 2, no padding, NCHW), so
 * a saved model's JSON names this class and loads with any DL4J that has it on the classpath.
 */
public class MaxPool2 extends SubsamplingLayer {
    private static final long serialVersionUID = 1L;

    /** For Jackson, when a saved model is read back. */
    public MaxPool2() {
        super();
    }

    private MaxPool2(SubsamplingLayer.Builder builder) {
        super(builder);
    }

    public static MaxPool2 create() {
        return new MaxPool2(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
                .kernelSize(2, 2)
                .stride(2, 2)
                .convolutionMode(ConvolutionMode.Truncate));
    }

    @Override
    public Layer instantiate(
            NeuralNetConfiguration conf,
            Collection<TrainingListener> listeners,
            int layerIndex,
            INDArray layerParamsView,
            boolean initializeParams,
            DataType networkDataType) {
        Impl layer = new Impl(conf, networkDataType);
        layer.setListeners(listeners);
        layer.setIndex(layerIndex);
        layer.setParamsViewArray(layerParamsView);
        layer.setParamTable(initializer().init(conf, layerParamsView, initializeParams));
        layer.setConf(conf);
        return layer;
    }

    /**
     * {@code network} with each DL4J max-pooling layer this class computes (MAX, 2×2, stride 2, no padding,
     * NCHW) replaced by it, and the same parameters: a model saved before this class existed predicts as
     * fast as a new one, and the same. For inference only: the copy has no updater state.
     */
    public static MultiLayerNetwork replacingPooling(MultiLayerNetwork network) {
        MultiLayerConfiguration configuration =
                network.getLayerWiseConfigurations().clone();
        boolean replaced = false;
        for (NeuralNetConfiguration layer : configuration.getConfs()) {
            if (layer.getLayer().getClass() == SubsamplingLayer.class
                    && computes((SubsamplingLayer) layer.getLayer())) {
                MaxPool2 pooling = create();
                pooling.setLayerName(layer.getLayer().getLayerName());
                layer.setLayer(pooling);
                replaced = true;
            }
        }
        if (!replaced) {
            return network;
        }
        MultiLayerNetwork copy = new MultiLayerNetwork(configuration);
        copy.init(network.params(), false);
        return copy;
    }

    /** Whether {@code c} is the 2×2 stride-2 max-pooling over NCHW that this class computes itself. */
    static boolean computes(SubsamplingLayer c) {
        return c.getPoolingType() == org.deeplearning4j.nn.conf.layers.PoolingType.MAX
                && Arrays.equals(c.getKernelSize(), new int[] {2, 2})
                && Arrays.equals(c.getStride(), new int[] {2, 2})
                && Arrays.equals(c.getPadding(), new int[] {0, 0})
                && c.getCnn2dDataFormat() == CNN2DFormat.NCHW
                && c.getConvolutionMode() != ConvolutionMode.Same;
    }

    @Override
    public MaxPool2 clone() {
        return (MaxPool2) super.clone();
    }

    /** The layer: DL4J's subsampling layer with forward and backward replaced for the one case it is made for. */
    static final class Impl extends org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer {
        Impl(NeuralNetConfiguration conf, DataType dataType) {
            super(conf, dataType);
            helper = null; // oneDNN's pooling is what this replaces
        }

        /** Whether this input to this layer is what the class computes itself: else DL4J's own code runs. */
        private boolean handled(INDArray x) {
            return computes(layerConf()) && x.rank() == 4 && x.dataType() == DataType.FLOAT;
        }

        @Override
        public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
            assertInputSet(false);
            if (!handled(input)) {
                return super.activate(training, workspaceMgr);
            }
            applyDropOutIfNecessary(training, workspaceMgr);
            long[] s = input.shape();
            float[] x = floats(input);
            int[] maxima = maxima(x, s);
            float[] y = new float[maxima.length];
            for (int o = 0; o < maxima.length; o++) {
                y[o] = x[maxima[o]];
            }
            INDArray out = workspaceMgr.createUninitialized(
                    ArrayType.ACTIVATIONS, input.dataType(), new long[] {s[0], s[1], s[2] / 2, s[3] / 2}, 'c');
            put(out, y);
            return out;
        }

        @Override
        public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
            assertInputSet(true);
            if (!handled(input)) {
                return super.backpropGradient(epsilon, workspaceMgr);
            }
            long[] s = input.shape();
            float[] x = floats(input);
            int[] maxima = maxima(x, s); // found again rather than kept: DL4J may run forward passes in between
            float[] e = floats(epsilon.castTo(DataType.FLOAT));
            float[] dx = new float[x.length];
            for (int o = 0; o < maxima.length; o++) {
                dx[maxima[o]] = e[o];
            }
            INDArray gradient = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, input.dataType(), s, 'c');
            put(gradient, dx);
            return new Pair<>(new DefaultGradient(), backpropDropOutIfPresent(gradient));
        }

        /** For each output value, in C order, the index in {@code x} (of shape {@code s}) of its window's maximum. */
        private static int[] maxima(float[] x, long[] s) {
            int planes = Math.toIntExact(s[0] * s[1]);
            int h = Math.toIntExact(s[2]);
            int w = Math.toIntExact(s[3]);
            int oh = h / 2;
            int ow = w / 2;
            int[] maxima = new int[planes * oh * ow];
            int o = 0;
            for (int p = 0; p < planes; p++) {
                int plane = p * h * w;
                for (int i = 0; i < oh; i++) {
                    int row = plane + 2 * i * w;
                    for (int j = 0; j < ow; j++) {
                        maxima[o++] = argmax(x, row + 2 * j, w);
                    }
                }
            }
            return maxima;
        }

        /** The index of the window's first maximum at {@code corner}, row-major: a tie keeps the earlier one. */
        private static int argmax(float[] x, int corner, int width) {
            int best = corner;
            if (x[corner + 1] > x[best]) {
                best = corner + 1;
            }
            if (x[corner + width] > x[best]) {
                best = corner + width;
            }
            if (x[corner + width + 1] > x[best]) {
                best = corner + width + 1;
            }
            return best;
        }

        /** The array's values in C order, as one Java array, copied in bulk (DataBuffer.asFloat goes value by value). */
        private static float[] floats(INDArray array) {
            INDArray c =
                    array.isView() || array.ordering() != 'c' || array.data().length() != array.length()
                            ? array.dup('c')
                            : array;
            float[] values = new float[Math.toIntExact(c.length())];
            ((FloatPointer) c.data().addressPointer()).get(values);
            return values;
        }

        /** Fills a new C-order array of as many values in bulk. */
        private static void put(INDArray array, float[] values) {
            ((FloatPointer) array.data().addressPointer()).put(values);
        }
    }
}
