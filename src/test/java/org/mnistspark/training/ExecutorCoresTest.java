package org.mnistspark.training;

import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;
import org.mnistspark.TestSpark;

import java.util.function.IntSupplier;

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

    /** A cluster on a fake clock: executors of 2 cores each register at the given seconds. */
    private static ExecutorCores.Registered cluster(int expected, double... registeredAt) {
        long[] now = {0};
        IntSupplier executors = () -> (int) java.util.Arrays.stream(registeredAt).filter(t -> t * 1e9 <= now[0]).count();
        return ExecutorCores.waitForExecutors(expected, () -> Math.max(2, 2 * executors.getAsInt()), executors,
                () -> now[0], millis -> now[0] += millis * 1_000_000);
    }

    @Test
    void waitsForExecutorsThatRegisterLateUntilTheCountSettles() {
        assertEquals(new ExecutorCores.Registered(6, 3), cluster(0, 2.0, 3.5, 8.0), "8.0 is within 5 s of 3.5");
        assertEquals(new ExecutorCores.Registered(4, 2), cluster(0, 1.0, 2.0, 30.0), "30 s is past the settled count");
    }

    @Test
    void stopsAsSoonAsThePromisedCoresAreThereAndGivesUpOnMissingOnes() {
        assertEquals(new ExecutorCores.Registered(4, 2), cluster(4, 1.0, 2.0, 3.0));
        assertEquals(new ExecutorCores.Registered(4, 2), cluster(8, 1.0, 2.0),
                "a cluster smaller than spark.cores.max: what came, once it settled");
        assertEquals(new ExecutorCores.Registered(2, 0), cluster(0),
                "no executor at all: Spark's floor after the longest wait");
    }

    @Test
    void aLocalMasterHasItsThreads() {
        ExecutorCores.Count count = ExecutorCores.await(TestSpark.session().sparkContext());
        assertEquals(2, count.cores(), "local[2]");
        assertEquals("the local master's threads", count.how());
    }
}
