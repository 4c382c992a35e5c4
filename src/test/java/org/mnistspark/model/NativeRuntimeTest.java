package org.mnistspark.model;

import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The default build must train with oneDNN convolutions; this fails when the helpers fall back to im2col. */
class NativeRuntimeTest {
    @Test
    void oneDnnLayerHelpersAreActiveInTheDefaultBuild() throws Exception {
        assumeTrue("-onednn".equals(NativeRuntime.buildProperties().getProperty("javacpp.platform.extension")),
                "this build does not use the oneDNN CPU binary");
        NativeRuntime.configure();
        assertThat(NativeRuntime.oneDnnActive()).as(NativeRuntime.describe()).isTrue();
        MultiLayerNetwork net = MnistCnn.create(new CnnSpec(10, 5, 0.2, "sgd", 0.01, 0.5, 1));
        ConvolutionLayer conv = (ConvolutionLayer) net.getLayer(0);
        Field helper = ConvolutionLayer.class.getDeclaredField("helper");
        helper.setAccessible(true);
        assertThat(helper.get(conv)).as("convolution does not use oneDNN").isInstanceOf(MKLDNNConvHelper.class);
    }

    @Test
    void theCompatibilityShimForwardsToNd4jsEnvironment() {
        NativeRuntime.configure();
        org.nd4j.linalg.factory.Nd4j.create(1); // loads the backend
        boolean real = org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu.Environment.getInstance().isUseONEDNN();
        assertThat(org.nd4j.nativeblas.Nd4jCpu.Environment.getInstance().isUseMKLDNN()).isEqualTo(real);
    }

    @Test
    void buildPropertiesCarryTheVersion() {
        assertThat(NativeRuntime.applicationVersion()).matches("\\d+\\.\\d+\\.\\d+.*");
    }
}
