/**
 * The CNN (the seed project's PyTorch network rebuilt in DL4J, with PyTorch's initial weights and
 * momentum SGD) and the JVM-wide native settings ND4J needs. No Spark here.
 */
package org.mnistspark.model;
