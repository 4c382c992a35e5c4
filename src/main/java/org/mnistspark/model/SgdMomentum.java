package org.mnistspark.model;

import java.util.Map;
import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.schedule.ISchedule;

/**
 * PyTorch's {@code SGD(lr, momentum)}: {@code v = momentum·v + g; p -= lr·v}. DL4J only has Nesterov
 * momentum (PyTorch's {@code nesterov=True}), which takes different steps from the same gradients;
 * this is the seed's optimiser. Its state (v) is one array per parameter, so parameter averaging
 * averages it like Nesterov's. DL4J serialises it to JSON by class name for the executors.
 */
public final class SgdMomentum implements IUpdater {
    public static final String STATE_KEY = "V";

    private double learningRate;
    private double momentum;

    /** For DL4J's JSON deserialisation. */
    public SgdMomentum() {}

    public SgdMomentum(double learningRate, double momentum) {
        this.learningRate = learningRate;
        this.momentum = momentum;
    }

    public double getMomentum() {
        return momentum;
    }

    @Override
    public long stateSize(long numParams) {
        return numParams;
    }

    @Override
    public GradientUpdater instantiate(INDArray viewArray, boolean initializeViewArray) {
        Updater updater = new Updater(this);
        updater.setStateViewArray(viewArray, viewArray.shape(), viewArray.ordering(), initializeViewArray);
        return updater;
    }

    @Override
    public GradientUpdater instantiate(Map<String, INDArray> state, boolean initializeStateArrays) {
        Updater updater = new Updater(this);
        updater.setState(state, initializeStateArrays);
        return updater;
    }

    @Override
    public SgdMomentum clone() {
        return new SgdMomentum(learningRate, momentum);
    }

    @Override
    public double getLearningRate(int iteration, int epoch) {
        return learningRate;
    }

    @Override
    public boolean hasLearningRate() {
        return true;
    }

    @Override
    public void setLrAndSchedule(double lr, ISchedule lrSchedule) {
        if (lrSchedule != null) {
            throw new UnsupportedOperationException("SgdMomentum has no learning-rate schedule");
        }
        this.learningRate = lr;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SgdMomentum that && that.learningRate == learningRate && that.momentum == momentum;
    }

    @Override
    public int hashCode() {
        return Objects.hash(learningRate, momentum);
    }

    @Override
    public String toString() {
        return "SgdMomentum(learningRate=" + learningRate + ", momentum=" + momentum + ")";
    }

    private static final class Updater implements GradientUpdater<SgdMomentum> {
        private final SgdMomentum config;
        private INDArray velocity;

        Updater(SgdMomentum config) {
            this.config = config;
        }

        @Override
        public SgdMomentum getConfig() {
            return config;
        }

        @Override
        public void setState(Map<String, INDArray> state, boolean initialize) {
            velocity = state.get(STATE_KEY);
            if (velocity == null) {
                throw new IllegalStateException("SgdMomentum state has no " + STATE_KEY + " array");
            }
            if (initialize) {
                velocity.assign(0);
            }
        }

        @Override
        public Map<String, INDArray> getState() {
            return Map.of(STATE_KEY, velocity);
        }

        @Override
        public void setStateViewArray(
                INDArray viewArray, long[] gradientShape, char gradientOrder, boolean initialize) {
            if (initialize) {
                viewArray.assign(0);
            }
            // A view, not a copy: DL4J saves and averages the updater state through viewArray.
            velocity = viewArray.reshape(gradientOrder, gradientShape);
        }

        /** Turns the gradient into the step DL4J subtracts from the parameters. */
        @Override
        public void applyUpdater(INDArray gradient, int iteration, int epoch) {
            velocity.muli(config.momentum).addi(gradient);
            gradient.assign(velocity).muli(config.learningRate);
        }
    }
}
