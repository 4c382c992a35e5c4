/**
 * The CNN (the seed project's PyTorch network rebuilt in DL4J) and the JVM-wide native settings ND4J needs.
 * No Spark here.
 */
package org.mnistspark.model;
