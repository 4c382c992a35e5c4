package org.mnistspark.training;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.mnistspark.model.CnnSpec;
import org.mnistspark.model.MnistCnn;

/**
 * What one averaging round of the persistent engine costs besides fitting, on the Spark it runs on: the
 * broadcast of the averaged state, the Spark job whose tasks read it and send back a worker's parameters
 * and updater state, and the mean on the driver. Each task does what a worker does around its fit (read
 * the state, copy it out), so a round here is a real round with the fit taken out. It also measures how
 * many such rounds the driver can run per second when several trials run rounds at once: the ceiling
 * on trials side by side, since a bigger cluster adds executors but not drivers.
 */
public final class RoundCost {
    /** One row: rounds of {@code workers} tasks, the medians of each part, in milliseconds. */
    public record Sequential(
            int workers, int rounds, double broadcastMs, double jobMs, double meanMs, double roundMs, long bytesBack) {}

    /** Rounds of 2 tasks from {@code trials} driver threads at once: how many the driver completes per second. */
    public record Concurrent(int trials, int rounds, double roundsPerSecond, double medianRoundMs) {}

    private final JavaSparkContext sc;
    private final MultiLayerNetwork master;

    /** A round of the network of {@code spec}: the sizes of its parameters and updater state are the real ones. */
    public RoundCost(SparkContext sc, CnnSpec spec) {
        this.sc = JavaSparkContext.fromSparkContext(sc);
        this.master = MnistCnn.create(spec);
    }

    public long parameters() {
        return master.numParams();
    }

    /** {@code rounds} rounds one after another with {@code workers} tasks each (after two to warm up). */
    public Sequential sequential(int workers, int rounds) {
        List<double[]> parts = new ArrayList<>();
        long bytes = 0;
        for (int round = -2; round < rounds; round++) {
            long started = System.nanoTime();
            Broadcast<PersistentWorkers.RoundState> state = sc.broadcast(new PersistentWorkers.RoundState(master));
            long broadcast = System.nanoTime();
            List<PersistentWorkers.WorkerResult> results = job(state, workers);
            long job = System.nanoTime();
            PersistentWorkers.mean(results);
            long mean = System.nanoTime();
            state.destroy();
            if (round >= 0) {
                parts.add(new double[] {ms(broadcast - started), ms(job - broadcast), ms(mean - job), ms(mean - started)
                });
                bytes = 4L
                        * results.stream()
                                .mapToLong(r -> r.params.length + r.updater.length)
                                .sum();
            }
        }
        return new Sequential(
                workers, rounds, median(parts, 0), median(parts, 1), median(parts, 2), median(parts, 3), bytes);
    }

    /** {@code trials} driver threads, each running {@code roundsEach} rounds of 2 tasks, at once. */
    public Concurrent concurrent(int trials, int roundsEach) throws Exception {
        sequential(2, 2); // warm
        ExecutorService threads = Executors.newFixedThreadPool(trials);
        try {
            long started = System.nanoTime();
            List<Future<List<Double>>> all = new ArrayList<>();
            for (int t = 0; t < trials; t++) {
                String pool = "round-cost-" + t;
                all.add(threads.submit(() -> {
                    sc.setLocalProperty("spark.scheduler.pool", pool);
                    List<Double> times = new ArrayList<>();
                    for (int round = 0; round < roundsEach; round++) {
                        long start = System.nanoTime();
                        Broadcast<PersistentWorkers.RoundState> state =
                                sc.broadcast(new PersistentWorkers.RoundState(master));
                        PersistentWorkers.mean(job(state, 2));
                        state.destroy();
                        times.add(ms(System.nanoTime() - start));
                    }
                    return times;
                }));
            }
            List<double[]> times = new ArrayList<>();
            for (Future<List<Double>> f : all) {
                f.get().forEach(t -> times.add(new double[] {t}));
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            return new Concurrent(trials, trials * roundsEach, trials * roundsEach / seconds, median(times, 0));
        } finally {
            threads.shutdown();
        }
    }

    private List<PersistentWorkers.WorkerResult> job(Broadcast<PersistentWorkers.RoundState> state, int workers) {
        return sc.parallelize(IntStream.range(0, workers).boxed().toList(), workers)
                .map(worker -> {
                    PersistentWorkers.RoundState s = state.value();
                    return new PersistentWorkers.WorkerResult(
                            worker, s.params.clone(), s.updater.clone(), 0, "", false, "");
                })
                .collect();
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static double median(List<double[]> rows, int column) {
        double[] values = rows.stream().mapToDouble(r -> r[column]).sorted().toArray();
        return values.length == 0 ? Double.NaN : values[values.length / 2];
    }
}
