package org.mnistspark.inference;

import java.io.ByteArrayInputStream;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedDeque;
import org.bytedeco.javacpp.FloatPointer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.mnistspark.data.InvalidDataException;
import org.mnistspark.data.Minibatches;
import org.mnistspark.model.MaxPool2;
import org.mnistspark.model.MnistCnn;
import org.mnistspark.model.NativeRuntime;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A trained network with the normalization its trial recorded: raw pixels in, the 10 class
 * probabilities out. Images are normalized exactly as training and test evaluation did
 * ({@link Minibatches#normalization}), so the same images give the same outputs.
 *
 * <p>Safe for concurrent callers. DL4J's {@code output()} is synchronized on the network, so each
 * concurrent caller borrows its own copy of the weights (a clone of the restored network, made the
 * first time that many callers overlap) instead of queueing on one.
 */
public final class DigitModel {
    public static final int SIDE = MnistCnn.IMAGE_SIDE;
    public static final int PIXELS = SIDE * SIDE;
    public static final int CLASSES = MnistCnn.CLASSES;

    private final MultiLayerNetwork restored;
    private final double mean;
    private final double std;
    /** Each pixel value's input to the network, as training normalized it. */
    private final float[] normalized;

    private final ConcurrentLinkedDeque<MultiLayerNetwork> idle = new ConcurrentLinkedDeque<>();

    private DigitModel(MultiLayerNetwork restored, double mean, double std) {
        this.restored = restored;
        this.mean = mean;
        this.std = std;
        this.normalized = Minibatches.normalization(mean, std);
        idle.push(restored);
    }

    /**
     * Restores a model zip (as {@code ModelStore} saves it) and checks that it maps 784 pixels to 10
     * probabilities; an {@link InvalidDataException} naming {@code source} if it does not.
     */
    public static DigitModel restore(byte[] zip, double mean, double std, String source) {
        NativeRuntime.configure(); // before ND4J loads in this JVM
        MultiLayerNetwork network;
        try {
            // a model saved before MaxPool2 gets it too: the same predictions, faster
            network = MaxPool2.replacingPooling(
                    ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(zip), false));
        } catch (Exception e) { // IOException, or DL4J's runtime exceptions for a zip without its entries
            throw new InvalidDataException(source + " is not a DL4J model zip (" + e.getMessage() + ")", e);
        }
        DigitModel model = new DigitModel(network, mean, std);
        long[] shape;
        try {
            shape = network.output(Nd4j.zeros(DataType.FLOAT, 1, PIXELS), false).shape();
        } catch (RuntimeException e) {
            throw new InvalidDataException(source + " does not take 28x28 images (" + e.getMessage() + ")", e);
        }
        if (!Arrays.equals(shape, new long[] {1, CLASSES})) {
            throw new InvalidDataException(source + " answers " + Arrays.toString(shape) + " for an image, not "
                    + CLASSES + " class probabilities");
        }
        return model;
    }

    public double mean() {
        return mean;
    }

    public double std() {
        return std;
    }

    /** Output channels of the first layer: the sweep's hidden channels; 0 if it is not a convolution. */
    public int hiddenChannels() {
        return restored.getLayerWiseConfigurations().getConf(0).getLayer() instanceof ConvolutionLayer conv
                ? (int) conv.getNOut()
                : 0;
    }

    /**
     * The probabilities of {@code count} images: {@code pixels} holds {@code count × 784} unsigned bytes,
     * image after image, row by row.
     */
    public float[][] probabilities(byte[] pixels, int count) {
        if (pixels.length != count * PIXELS) {
            throw new IllegalArgumentException(pixels.length + " bytes for " + count + " images");
        }
        NativeRuntime.configureThread(); // OMP_NUM_THREADS on every request thread, not ND4J's 4 on one
        // Copied to native memory in bulk: Nd4j.create(float[]) puts one value at a time, and toFloatMatrix()
        // takes one row at a time, a quarter of a batch's time between them (measured).
        float[] values = new float[count * PIXELS];
        for (int i = 0; i < values.length; i++) {
            values[i] = normalized[pixels[i] & 0xFF];
        }
        INDArray features = Nd4j.createUninitialized(DataType.FLOAT, count, PIXELS);
        ((FloatPointer) features.data().pointer()).put(values);
        MultiLayerNetwork network = borrow();
        float[] output;
        try {
            output = network.output(features, false).dup('c').data().asFloat();
        } finally {
            idle.push(network);
        }
        float[][] probabilities = new float[count][];
        for (int i = 0; i < count; i++) {
            probabilities[i] = Arrays.copyOfRange(output, i * CLASSES, (i + 1) * CLASSES);
        }
        return probabilities;
    }

    private MultiLayerNetwork borrow() {
        MultiLayerNetwork network = idle.poll();
        if (network != null) {
            return network;
        }
        synchronized (restored) { // the lock output() holds: no copy of weights in mid-use
            return restored.clone();
        }
    }

    /** The most probable class; the first of equals, as test evaluation counts it. */
    public static int argMax(float[] probabilities) {
        int best = 0;
        for (int i = 1; i < probabilities.length; i++) {
            if (probabilities[i] > probabilities[best]) {
                best = i;
            }
        }
        return best;
    }
}
