package org.mnistspark.training;

import java.time.Duration;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;

/**
 * The executors' total cores, as Spark's default parallelism counts them: what the default number of
 * trials side by side is made from (sweep.parallel-trials = 0). On a cluster, executors register after the driver has started, so reading that number at once
 * gives Spark's floor of 2 (a 4-core standalone cluster got 2 workers). This waits for the cores the
 * settings promise ({@code spark.cores.max}, or executor instances times cores), or else until the count
 * has not changed for a few seconds.
 */
public final class ExecutorCores {
    static final Duration SETTLED = Duration.ofSeconds(5);
    static final Duration MAX_WAIT = Duration.ofSeconds(120);
    static final Duration CATCH_UP = Duration.ofSeconds(1);

    /** The resolved count and how it was found, for the job's output. */
    public record Count(int cores, String how) {}

    private ExecutorCores() {}

    public static Count await(SparkContext sc) {
        SparkConf conf = sc.conf();
        if (sc.isLocal()) {
            return new Count(sc.defaultParallelism(), "the local master's threads");
        }
        if (conf.contains("spark.default.parallelism")) {
            return new Count(sc.defaultParallelism(), "spark.default.parallelism");
        }
        if (conf.getBoolean("spark.dynamicAllocation.enabled", false)) {
            // Executors are only requested for pending tasks: there is no total to wait for.
            return new Count(
                    sc.defaultParallelism(),
                    "the cores registered at start under dynamic allocation; "
                            + "set sweep.parallel-trials (--parallel-trials) to choose");
        }
        Registered registered = waitForExecutors(
                expectedCores(conf), sc::defaultParallelism, () -> executors(sc), System::nanoTime, Thread::sleep);
        return new Count(
                registered.cores(),
                "the total of " + registered.executors() + " executor" + (registered.executors() == 1 ? "" : "s")
                        + " registered");
    }

    record Registered(int cores, int executors) {}

    interface Sleeper {
        void sleep(long millis) throws InterruptedException;
    }

    /**
     * Polls until {@code expected} cores are there (when known) and the count has not changed for {@link
     * #CATCH_UP}, or else until the executors and their cores have not changed for {@link #SETTLED}, at most
     * {@link #MAX_WAIT}.
     */
    static Registered waitForExecutors(
            int expected, IntSupplier cores, IntSupplier executors, LongSupplier nanoTime, Sleeper sleeper) {
        long start = nanoTime.getAsLong();
        long lastChange = start;
        Registered now = new Registered(cores.getAsInt(), executors.getAsInt());
        // Settings that promise more than the cluster has: give the rest longer, then take what came.
        long quiet = (expected > 0 ? SETTLED.multipliedBy(3) : SETTLED).toNanos();
        while (nanoTime.getAsLong() - start < MAX_WAIT.toNanos()) {
            long unchanged = nanoTime.getAsLong() - lastChange;
            boolean settled = now.executors() > 0 && unchanged >= quiet;
            // The scheduler counts an executor's cores a moment before its block manager registers, and the
            // block managers are what list executors: with the promised cores there, the list gets
            // CATCH_UP to agree (a run printed "4 cores: the total of 1 executor" without it).
            boolean promised = expected > 0 && now.cores() >= expected && unchanged >= CATCH_UP.toNanos();
            if (promised || settled) {
                break;
            }
            try {
                sleeper.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // the job is being stopped: go on with what is there
                break;
            }
            Registered polled = new Registered(cores.getAsInt(), executors.getAsInt());
            if (!polled.equals(now)) {
                now = polled;
                lastChange = nanoTime.getAsLong();
            }
        }
        return now;
    }

    /** What the settings ask for, or 0 when they leave it to the cluster. */
    static int expectedCores(SparkConf conf) {
        if (conf.contains("spark.cores.max")) {
            return conf.getInt("spark.cores.max", 0);
        }
        if (conf.contains("spark.executor.instances") && conf.contains("spark.executor.cores")) {
            return conf.getInt("spark.executor.instances", 0) * conf.getInt("spark.executor.cores", 0);
        }
        return 0;
    }

    /** Registered executors; the status tracker also lists the driver. */
    private static int executors(SparkContext sc) {
        return Math.max(0, sc.statusTracker().getExecutorInfos().length - 1);
    }
}
