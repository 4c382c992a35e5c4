/**
 * Not this project's package: a one-class compatibility shim for DL4J 1.0.0-M2 that has to live under
 * ND4J's old package name. See {@link org.nd4j.nativeblas.Nd4jCpu}.
 */
package org.nd4j.nativeblas;
