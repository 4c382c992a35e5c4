package org.mnistspark.model;

import org.mnistspark.config.Optimizer;
import org.mnistspark.config.TrialSpec;

/**
 * What defines one CNN and its optimiser: the part of a trial's hyperparameters the network is built from.
 *
 * @param hiddenChannels channels of the first convolution
 * @param kernelSize     side of both convolution kernels
 * @param dropout        probability that spatial dropout drops a channel (PyTorch's Dropout2d p)
 * @param optimizer      sgd (PyTorch's momentum SGD), nesterov or adam
 */
public record CnnSpec(
        int hiddenChannels,
        int kernelSize,
        double dropout,
        Optimizer optimizer,
        double learningRate,
        double momentum,
        long seed) {

    /** The network and optimiser of a trial. */
    public static CnnSpec of(TrialSpec trial) {
        return new CnnSpec(
                trial.hiddenChannels(),
                trial.kernelSize(),
                trial.dropout(),
                trial.optimizer(),
                trial.learningRate(),
                trial.momentum(),
                trial.seed());
    }
}
