package org.mnistspark.training;

import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;
import org.mnistspark.TestSpark;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The waiting on a real cluster is covered by StandaloneClusterIT; here what the settings promise. */
class ExecutorCoresTest {
    @Test
    void expectedCoresComeFromTheSettingsThatFixThem() {
        assertEquals(6, ExecutorCores.expectedCores(new SparkConf(false).set("spark.cores.max", "6")));
        assertEquals(12, ExecutorCores.expectedCores(new SparkConf(false)
                .set("spark.executor.instances", "3").set("spark.executor.cores", "4")));
        assertEquals(0, ExecutorCores.expectedCores(new SparkConf(false).set("spark.executor.instances", "3")),
                "executor cores left to the cluster: unknown");
        assertEquals(0, ExecutorCores.expectedCores(new SparkConf(false)));
    }

    @Test
    void aLocalMasterHasItsThreads() {
        ExecutorCores.Count count = ExecutorCores.await(TestSpark.session().sparkContext());
        assertEquals(2, count.cores(), "local[2]");
        assertEquals("the local master's threads", count.how());
    }
}
