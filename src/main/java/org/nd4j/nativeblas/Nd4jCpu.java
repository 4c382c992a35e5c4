package org.nd4j.nativeblas;

/**
 * Compatibility shim for DL4J 1.0.0-M2, kept under the class name that M2's layer helpers expect.
 *
 * <p>Why: M2's oneDNN layer helpers (org.deeplearning4j.nn.layers.mkldnn.BaseMKLDNNHelper) check that
 * oneDNN is in use by looking up {@code org.nd4j.nativeblas.Nd4jCpu$Environment} by reflection, but M2
 * moved that class to {@code org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment}. The lookup
 * fails, so convolutions silently fall back to im2col, about 6x slower on this CNN. This class answers
 * the lookup by forwarding to the real one. {@code NativeSetupTest} fails if the helpers are not active.
 *
 * <p>Remove it when moving to a DL4J release that looks up the right class.
 */
public final class Nd4jCpu {
    private Nd4jCpu() {}

    /** Forwards the two methods the helpers call by reflection. */
    public static final class Environment {
        private static final Environment INSTANCE = new Environment();

        private Environment() {}

        public static Environment getInstance() {
            return INSTANCE;
        }

        public boolean isUseMKLDNN() {
            return org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu.Environment.getInstance()
                    .isUseONEDNN();
        }

        public void setUseMKLDNN(boolean use) {
            org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu.Environment.getInstance()
                    .setUseONEDNN(use);
        }
    }
}
