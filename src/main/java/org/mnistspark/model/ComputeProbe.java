package org.mnistspark.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.stream.Stream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.mnistspark.config.Optimizer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Training speed of the CNN in this JVM alone, with whatever instruction set oneDNN was given: {@code
 * threads} threads each fit a network of their own on fixed random minibatches, as Spark's task threads
 * each fit their worker's network. No data, no Spark, no averaging: the compute inside {@code fit} only.
 * {@link CpuIsa}'s calibration runs it once per instruction set in a child JVM (oneDNN takes its
 * instruction set once per process), and {@code submit/benchmark.sh --compute} runs its matrix with it.
 *
 * <pre>java -cp mnist-spark.jar org.mnistspark.model.ComputeProbe HIDDEN BATCH THREADS ITERATIONS</pre>
 * prints one line per combination (each of the first three may be a comma-separated list):
 * {@code probe h=10 batch=32 threads=2 images/s R ms/iteration M busy-threads B}.
 */
public final class ComputeProbe {
    /**
     * Warm-up: at least 20 iterations and 2 seconds, so that the JIT has compiled DL4J's Java side (and
     * MaxPool2) before the clock starts; with 20 iterations alone, a fresh JVM's first figures measured
     * the compiler more than oneDNN's kernels, and calibration picked AVX or AVX2 by chance.
     */
    private static final int WARMUP = 20;

    private static final long WARMUP_NANOS = 2_000_000_000L;

    private ComputeProbe() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println(
                    "usage: ComputeProbe HIDDEN BATCH THREADS ITERATIONS (the first three may be lists: 2,10,32)");
            System.exit(2);
        }
        NativeRuntime.configure();
        System.out.println("oneDNN instruction set " + CpuIsa.apply());
        for (int hidden : numbers(args[0])) {
            for (int batch : numbers(args[1])) {
                for (int threads : numbers(args[2])) {
                    System.out.println(run(hidden, batch, threads, Integer.parseInt(args[3])));
                }
            }
        }
        System.exit(0);
    }

    private static int[] numbers(String list) {
        return java.util.Arrays.stream(list.split(","))
                .mapToInt(Integer::parseInt)
                .toArray();
    }

    /**
     * Images per second of all threads together, milliseconds per iteration of one thread, and how many of
     * the process's threads (OpenMP's included) were busy for at least a tenth of the time.
     */
    public record Result(
            int hidden, int batch, int threads, double imagesPerSecond, double millisPerIteration, int busyThreads) {
        @Override
        public String toString() {
            return String.format(
                    Locale.ROOT,
                    "probe h=%d batch=%d threads=%d images/s %.1f ms/iteration %.3f busy-threads %d",
                    hidden,
                    batch,
                    threads,
                    imagesPerSecond,
                    millisPerIteration,
                    busyThreads);
        }

        /** The images/s of a line {@link #toString()} printed. */
        public static double imagesPerSecond(String line) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("^probe .* images/s ([0-9.]+) ")
                    .matcher(line);
            if (!m.find()) {
                throw new IllegalArgumentException("not a probe line: " + line);
            }
            return Double.parseDouble(m.group(1));
        }
    }

    /** Trains {@code threads} networks side by side, {@code iterations} minibatches each after a warm-up. */
    public static Result run(int hidden, int batch, int threads, int iterations) throws Exception {
        NativeRuntime.configure();
        Map<String, Long> cpuBefore = new HashMap<>();
        CyclicBarrier start = new CyclicBarrier(threads + 1);
        CyclicBarrier end = new CyclicBarrier(threads + 1);
        CyclicBarrier counted = new CyclicBarrier(threads + 1); // the workers live until their CPU time is read
        List<Thread> workers = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            long seed = t + 1;
            Thread worker = new Thread(
                    () -> {
                        try {
                            NativeRuntime.configureThread();
                            MultiLayerNetwork network =
                                    MnistCnn.create(new CnnSpec(hidden, 5, 0.2, Optimizer.SGD, 0.01, 0.5, seed));
                            DataSet minibatch = randomMinibatch(batch, seed);
                            long warmupEnd = System.nanoTime() + WARMUP_NANOS;
                            for (int i = 0; i < WARMUP || System.nanoTime() < warmupEnd; i++) {
                                network.fit(minibatch);
                            }
                            start.await();
                            for (int i = 0; i < iterations; i++) {
                                network.fit(minibatch);
                            }
                            end.await();
                            counted.await();
                        } catch (Throwable e) {
                            synchronized (failures) {
                                failures.add(e);
                            }
                            start.reset();
                            end.reset();
                            counted.reset();
                        }
                    },
                    "probe-" + t);
            worker.start();
            workers.add(worker);
        }
        long began = 0;
        double seconds = 0;
        Map<String, Long> cpuAfter = Map.of();
        try {
            start.await();
            cpuBefore.putAll(threadCpuTicks());
            began = System.nanoTime();
            end.await();
            seconds = (System.nanoTime() - began) / 1e9;
            cpuAfter = threadCpuTicks();
            counted.await();
        } catch (java.util.concurrent.BrokenBarrierException e) {
            // a worker failed: its exception follows
        }
        for (Thread worker : workers) {
            worker.join();
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException("the probe failed", failures.get(0));
        }
        long tenth = Math.round(seconds * TICKS_PER_SECOND / 10);
        int busy = (int) cpuAfter.entrySet().stream()
                .filter(e -> e.getValue() - cpuBefore.getOrDefault(e.getKey(), 0L) >= Math.max(1, tenth))
                .count();
        return new Result(
                hidden,
                batch,
                threads,
                (double) threads * iterations * batch / seconds,
                seconds * 1000 / iterations,
                busy);
    }

    /** Linux's USER_HZ, the unit of /proc's CPU times. */
    private static final int TICKS_PER_SECOND = 100;

    /** User plus system CPU ticks of each thread of this process, from /proc/self/task; empty elsewhere. */
    static Map<String, Long> threadCpuTicks() {
        Map<String, Long> ticks = new HashMap<>();
        Path tasks = Paths.get("/proc/self/task");
        if (!Files.isDirectory(tasks)) {
            return ticks;
        }
        try (Stream<Path> threads = Files.list(tasks)) {
            threads.forEach(task -> {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    // after the ")" that ends the thread's name: state is field 3, utime 14 and stime 15
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    ticks.put(task.getFileName().toString(), Long.parseLong(fields[11]) + Long.parseLong(fields[12]));
                } catch (IOException | RuntimeException e) {
                    // a thread that ended in between
                }
            });
        } catch (IOException e) {
            return ticks;
        }
        return ticks;
    }

    /** Normalized-looking pixels and one-hot labels; the speed of these kernels does not depend on values. */
    static DataSet randomMinibatch(int batch, long seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray features = Nd4j.randn(DataType.FLOAT, batch, MnistCnn.IMAGE_SIDE * MnistCnn.IMAGE_SIDE);
        INDArray labels = Nd4j.zeros(DataType.FLOAT, batch, MnistCnn.CLASSES);
        for (int i = 0; i < batch; i++) {
            labels.putScalar(i, i % MnistCnn.CLASSES, 1f);
        }
        return new DataSet(features, labels);
    }
}
