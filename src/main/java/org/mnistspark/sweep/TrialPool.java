package org.mnistspark.sweep;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.spark.SparkContext;
import org.mnistspark.config.ParallelOptions;
import org.mnistspark.model.NativeRuntime;
import org.mnistspark.training.ExecutorCores;

/**
 * Trials side by side: up to {@code size} at once, each trained from a driver thread of its own, whose
 * Spark jobs go into a FAIR scheduler pool of its own (named after the thread), so that one trial's
 * rounds never wait behind another's whole queue and every trial gets its share of the executors.
 * A trial's numbers do not depend on what trains beside it: its rounds, minibatches and seeds are its own,
 * and the persistent engine keys the workers it keeps in executors by the trial's run.
 */
public final class TrialPool implements AutoCloseable {
    /** Spark's job property that names the FAIR pool a thread's jobs go to. */
    static final String POOL_PROPERTY = "spark.scheduler.pool";

    /** How many trials train at once, and how that was decided, for the job's first line. */
    public record Size(int trials, String how) {
        /** No more at once than there are trials to train. */
        public Size atMost(int total) {
            return trials <= total
                    ? this
                    : new Size(Math.max(1, total), how + ", capped at the " + total + " to train");
        }

        /** "2 trials at once (4 cores (...) / 2 workers per trial), 2 workers each". */
        public String describe(List<Integer> workers) {
            return trials + " trial" + (trials == 1 ? "" : "s") + " at once (" + how + "), "
                    + workers.stream().map(String::valueOf).collect(Collectors.joining(" or ")) + " worker"
                    + (workers.equals(List.of(1)) ? "" : "s") + " each";
        }
    }

    /** Tasks per core when sweep.parallel-trials is 0; see {@link #size}. */
    static final int OVERSUBSCRIBED = 2;

    private final SparkContext sc;
    private final ExecutorService threads;

    public TrialPool(SparkContext sc, int size) {
        this.sc = sc;
        AtomicInteger count = new AtomicInteger();
        this.threads = Executors.newFixedThreadPool(size, task -> {
            Thread thread = new Thread(task, "mnist-spark-trials-" + count.incrementAndGet());
            thread.setDaemon(true); // a job that fails outside the trials must still end
            return thread;
        });
    }

    /**
     * {@code sweep.parallel-trials}, or else twice the executors' cores (once the executors have
     * registered) divided by the most workers a trial of this job has, at least 1. Twice: a trial's
     * workers leave their cores idle between rounds (the job, the averaging on the driver, the slowest
     * worker), and a second trial's tasks fill those gaps; a third only adds switching. Measured on local[2]
     * with the default grid: 1, 2 and 3 trials of 2 workers at once took 218.6, 192.2 and 197.6 s in one
     * run, 331.2 and 309.0 s (1 and 2) in another (docs/performance.md, "Scaling out").
     */
    public static Size size(SparkContext sc, ParallelOptions options, int workersPerTrial) {
        if (options.parallelTrials() > 0) {
            return new Size(options.parallelTrials(), "sweep.parallel-trials");
        }
        ExecutorCores.Count cores = ExecutorCores.await(sc);
        int trials = Math.max(1, OVERSUBSCRIBED * cores.cores() / workersPerTrial);
        return new Size(
                trials,
                OVERSUBSCRIBED + " x " + cores.cores() + " cores / " + workersPerTrial + " workers per trial; cores: "
                        + cores.how());
    }

    /** Trains {@code trial} on the next free thread, its Spark jobs in that thread's pool. */
    public <T> Future<T> submit(Callable<T> trial) {
        return threads.submit(() -> {
            sc.setLocalProperty(POOL_PROPERTY, Thread.currentThread().getName());
            NativeRuntime.configureThread(); // the master network's averaging runs here
            try {
                return trial.call();
            } finally {
                sc.setLocalProperty(POOL_PROPERTY, null);
            }
        });
    }

    /** Waits for the trials submitted to finish; they catch their own failures, so this does not wait long. */
    @Override
    public void close() {
        threads.shutdown();
        try {
            while (!threads.awaitTermination(1, TimeUnit.MINUTES)) {
                // trials still training: a sweep waits for them, as it waited for each trial before
            }
        } catch (InterruptedException e) {
            threads.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
