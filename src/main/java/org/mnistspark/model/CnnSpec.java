package org.mnistspark.model;

/**
 * What defines one CNN and its optimiser.
 *
 * @param hiddenChannels channels of the first convolution
 * @param kernelSize     side of both convolution kernels
 * @param dropout        probability that spatial dropout drops a channel (PyTorch's Dropout2d p)
 * @param optimizer      "sgd" (PyTorch's momentum SGD), "nesterov" or "adam"
 */
public record CnnSpec(int hiddenChannels, int kernelSize, double dropout, String optimizer,
                      double learningRate, double momentum, long seed) {}
