/**
 * Training one network on Spark with DL4J parameter averaging, and its distributed test evaluation.
 */
package org.mnistspark.training;
