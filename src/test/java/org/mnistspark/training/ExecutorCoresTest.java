package org.mnistspark.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.IntSupplier;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;
import org.mnistspark.TestSpark;

/** The waiting on a real cluster is covered by StandaloneClusterIT; here what the settings promise. */
class ExecutorCoresTest {
    @Test
    void expectedCoresComeFromTheSettingsThatFixThem() {
        assertThat(ExecutorCores.expectedCores(new SparkConf(false).set("spark.cores.max", "6")))
                .isEqualTo(6);
        assertThat(ExecutorCores.expectedCores(new SparkConf(false)
                        .set("spark.executor.instances", "3")
                        .set("spark.executor.cores", "4")))
                .isEqualTo(12);
        assertThat(ExecutorCores.expectedCores(new SparkConf(false).set("spark.executor.instances", "3")))
                .as("executor cores left to the cluster: unknown")
                .isEqualTo(0);
        assertThat(ExecutorCores.expectedCores(new SparkConf(false))).isEqualTo(0);
    }

    /** A cluster on a fake clock: executors of 2 cores each register at the given seconds. */
    private static ExecutorCores.Registered cluster(int expected, double... registeredAt) {
        return listedLate(expected, 0, registeredAt);
    }

    /** The same, each executor listed (its block manager registered) {@code listedLater} seconds after its cores count. */
    private static ExecutorCores.Registered listedLate(int expected, double listedLater, double... registeredAt) {
        long[] now = {0};
        IntSupplier counted = () -> (int) java.util.Arrays.stream(registeredAt)
                .filter(t -> t * 1e9 <= now[0])
                .count();
        IntSupplier listed = () -> (int) java.util.Arrays.stream(registeredAt)
                .filter(t -> (t + listedLater) * 1e9 <= now[0])
                .count();
        return ExecutorCores.waitForExecutors(
                expected,
                () -> Math.max(2, 2 * counted.getAsInt()),
                listed,
                () -> now[0],
                millis -> now[0] += millis * 1_000_000);
    }

    @Test
    void waitsForExecutorsThatRegisterLateUntilTheCountSettles() {
        assertThat(cluster(0, 2.0, 3.5, 8.0))
                .as("8.0 is within 5 s of 3.5")
                .isEqualTo(new ExecutorCores.Registered(6, 3));
        assertThat(cluster(0, 1.0, 2.0, 30.0))
                .as("30 s is past the settled count")
                .isEqualTo(new ExecutorCores.Registered(4, 2));
    }

    @Test
    void stopsSoonAfterThePromisedCoresAreThereAndGivesUpOnMissingOnes() {
        assertThat(cluster(4, 1.0, 2.0, 3.5))
                .as("a second after the 4th core")
                .isEqualTo(new ExecutorCores.Registered(4, 2));
        assertThat(listedLate(4, 0.4, 1.0, 2.0))
                .as("the second executor's block manager registers 0.4 s after its cores")
                .isEqualTo(new ExecutorCores.Registered(4, 2));
        assertThat(cluster(8, 1.0, 2.0))
                .as("a cluster smaller than spark.cores.max: what came, once it settled")
                .isEqualTo(new ExecutorCores.Registered(4, 2));
        assertThat(cluster(0))
                .as("no executor at all: Spark's floor after the longest wait")
                .isEqualTo(new ExecutorCores.Registered(2, 0));
    }

    @Test
    void aLocalMasterHasItsThreads() {
        ExecutorCores.Count count = ExecutorCores.await(TestSpark.session().sparkContext());
        assertThat(count.cores()).as("local[2]").isEqualTo(2);
        assertThat(count.how()).isEqualTo("the local master's threads");
    }
}
