/**
 * The CNN (the seed project's PyTorch network rebuilt in DL4J, with PyTorch's initial weights, momentum
 * SGD, and its 2×2 max-pooling computed in Java by {@link org.mnistspark.model.MaxPool2}) and the JVM-wide
 * native settings ND4J needs: {@link org.mnistspark.model.NativeRuntime} (OpenMP threads, oneDNN's layer
 * helpers) and {@link org.mnistspark.model.CpuIsa} (oneDNN's instruction set, chosen per CPU with
 * {@link org.mnistspark.model.ComputeProbe}). No Spark here.
 */
package org.mnistspark.model;
