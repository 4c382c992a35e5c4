package org.mnistspark.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.reflect.Field;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.mnistspark.config.Optimizer;

/** The default build must train with oneDNN convolutions; this fails when the helpers fall back to im2col. */
class NativeRuntimeTest {
    @Test
    void oneDnnLayerHelpersAreActiveInTheDefaultBuild() throws Exception {
        assumeTrue(
                "-onednn".equals(NativeRuntime.buildProperties().getProperty("javacpp.platform.extension")),
                "this build does not use the oneDNN CPU binary");
        NativeRuntime.configure();
        assertThat(NativeRuntime.oneDnnActive()).as(NativeRuntime.describe()).isTrue();
        MultiLayerNetwork net = MnistCnn.create(new CnnSpec(10, 5, 0.2, Optimizer.SGD, 0.01, 0.5, 1));
        ConvolutionLayer conv = (ConvolutionLayer) net.getLayer(0);
        Field helper = ConvolutionLayer.class.getDeclaredField("helper");
        helper.setAccessible(true);
        assertThat(helper.get(conv)).as("convolution does not use oneDNN").isInstanceOf(MKLDNNConvHelper.class);
    }

    @Test
    void theCompatibilityShimForwardsToNd4jsEnvironment() {
        NativeRuntime.configure();
        org.nd4j.linalg.factory.Nd4j.create(1); // loads the backend
        boolean real = org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu.Environment.getInstance()
                .isUseONEDNN();
        assertThat(org.nd4j.nativeblas.Nd4jCpu.Environment.getInstance().isUseMKLDNN())
                .isEqualTo(real);
    }

    /**
     * ND4J M2 leaves the thread that loads it with 4 OpenMP threads whatever OMP_NUM_THREADS says, and
     * OpenMP keeps the count per thread: here a fresh thread is given ND4J's 4, as the loading thread of an
     * executor was, and configureThread must bring it back to OMP_NUM_THREADS (1 in the tests' environment).
     */
    @Test
    void everyThreadGetsTheOpenMpThreadsOfOmpNumThreadsNotNd4jsFour() throws Exception {
        int wanted = NativeRuntime.openMpThreads(System.getenv("OMP_NUM_THREADS"));
        assumeTrue(wanted != 4, "OMP_NUM_THREADS asks for ND4J's own 4: nothing to tell apart");
        int[] seen = new int[2];
        Thread thread = new Thread(() -> {
            var ops = org.nd4j.nativeblas.NativeOpsHolder.getInstance().getDeviceNativeOps();
            ops.setOmpNumThreads(4); // what NativeOpsHolder's constructor does to the thread that loads it
            seen[0] = ops.ompGetMaxThreads();
            NativeRuntime.configureThread();
            seen[1] = ops.ompGetMaxThreads();
        });
        thread.start();
        thread.join();
        assertThat(seen[0]).as("OpenMP keeps a thread's count").isEqualTo(4);
        assertThat(seen[1]).isEqualTo(wanted);
    }

    @Test
    void ompNumThreadsIsReadAsOpenMpReadsIt() {
        int cores = Runtime.getRuntime().availableProcessors();
        assertThat(NativeRuntime.openMpThreads("1")).isEqualTo(1);
        assertThat(NativeRuntime.openMpThreads(" 3 ")).isEqualTo(3);
        assertThat(NativeRuntime.openMpThreads("2,1"))
                .as("nested: the outer level")
                .isEqualTo(2);
        assertThat(NativeRuntime.openMpThreads(null)).isEqualTo(cores);
        assertThat(NativeRuntime.openMpThreads("")).isEqualTo(cores);
        assertThat(NativeRuntime.openMpThreads("0")).isEqualTo(cores);
        assertThat(NativeRuntime.openMpThreads("many")).isEqualTo(cores);
    }

    @Test
    void buildPropertiesCarryTheVersion() {
        assertThat(NativeRuntime.applicationVersion()).matches("\\d+\\.\\d+\\.\\d+.*");
    }
}
