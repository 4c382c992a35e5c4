package org.mnistspark.training;

import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;

import java.time.Duration;

/**
 * The default number of workers: the executors' total cores, as Spark's default parallelism counts
 * them. On a cluster, executors register after the driver has started, so reading that number at once
 * gives Spark's floor of 2 (a 4-core standalone cluster got 2 workers). This waits for the cores the
 * settings promise ({@code spark.cores.max}, or executor instances times cores), or else until the count
 * has not changed for a few seconds.
 */
public final class ExecutorCores {
    static final Duration SETTLED = Duration.ofSeconds(5);
    static final Duration MAX_WAIT = Duration.ofSeconds(120);

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
            return new Count(sc.defaultParallelism(), "the cores registered at start under dynamic allocation; "
                    + "set data.workers (--workers) to choose");
        }
        int expected = expectedCores(conf);
        long start = System.nanoTime();
        long lastChange = start;
        int cores = sc.defaultParallelism();
        int executors = executors(sc);
        while (System.nanoTime() - start < MAX_WAIT.toNanos()) {
            // Settings that promise more than the cluster has: give the rest longer, then take what came.
            Duration quiet = expected > 0 ? SETTLED.multipliedBy(3) : SETTLED;
            boolean settled = executors > 0 && System.nanoTime() - lastChange >= quiet.toNanos();
            if ((expected > 0 && cores >= expected) || settled) {
                break;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // the job is being stopped: go on with what is there
                break;
            }
            int nowCores = sc.defaultParallelism();
            int nowExecutors = executors(sc);
            if (nowCores != cores || nowExecutors != executors) {
                cores = nowCores;
                executors = nowExecutors;
                lastChange = System.nanoTime();
            }
        }
        return new Count(cores, "the executors' total cores (" + executors + " executor"
                + (executors == 1 ? "" : "s") + " registered)");
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
