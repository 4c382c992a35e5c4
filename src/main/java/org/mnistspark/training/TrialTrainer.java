package org.mnistspark.training;

import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

import org.mnistspark.data.TrainingSet;
import org.mnistspark.model.CnnSpec;
import org.mnistspark.model.MnistCnn;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Trains one network on Spark with parameter averaging and evaluates it on the test images after every
 * epoch.
 *
 * <p>An epoch is a sequence of averaging rounds. A round covers the next {@code workers ×
 * averagingFrequency} minibatches of the epoch's seeded order, cut into {@code workers} consecutive
 * slices the way Spark's parallelize cuts a list: worker {@code i} fits slice {@code i} from the
 * averaged state, and the averages of the workers' parameters and updater states become the next
 * state. Driving the rounds here lets the driver report progress and keeps the data order exactly the
 * seeded one. The {@link Engine} decides how a round runs: {@link Dl4jAveraging} or {@link PersistentWorkers}.
 */
public final class TrialTrainer {
    private final JavaSparkContext sc;
    private final SharedImages images;
    private final int workerPrefetch;

    /**
     * One trainer serves every trial of a sweep, from any number of driver threads at once: each call of
     * {@code train} keeps its state to itself, and Spark schedules the jobs of concurrent calls side by side.
     */
    public TrialTrainer(JavaSparkContext sc, SharedImages images, int workerPrefetch) {
        this.sc = sc;
        this.images = images;
        this.workerPrefetch = workerPrefetch;
    }

    /**
     * A trained network and its per-epoch results.
     *
     * @param networksBuilt how many worker networks executors built: the persistent engine builds one per
     *                      worker, plus one for every move to another executor
     * @param executors     the persistent engine's executors, by Spark's "executor_HOST_ID" location: what
     *                      their native code ran with (threads, instruction set, JavaCPP's cache); none for
     *                      the dl4j engine
     */
    /**
     * @param isa the oneDNN instruction sets the workers trained with ({@link org.mnistspark.model.CpuIsa}),
     *            comma-separated where executors' CPUs chose differently
     */
    public record Outcome(MultiLayerNetwork network, List<EpochResult> epochs, int networksBuilt,
                          Map<String, String> executors, String isa) {}

    public Outcome train(CnnSpec spec, TrainingRun run, int reportEveryMinibatches, TrainingProgress progress)
            throws Exception {
        return train(MnistCnn.create(spec), 0, run, reportEveryMinibatches, progress);
    }

    /**
     * Trains {@code network} on from epoch {@code epochsDone + 1} to {@code run.epochs()}: a network saved
     * after {@code epochsDone} epochs with its updater state (a tuning job's promoted configuration) goes on
     * as if it had never stopped, since every epoch's order and every minibatch's dropout masks depend only
     * on the trial's seed and the epoch. The outcome holds the epochs trained now.
     */
    public Outcome train(MultiLayerNetwork network, int epochsDone, TrainingRun run, int reportEveryMinibatches,
                         TrainingProgress progress) throws Exception {
        TrialPlan plan = new TrialPlan(network.getLayerWiseConfigurations(), run);
        TrainingSet data = plan.trainingSet(images.train()); // the driver's copy: counts only
        int minibatches = data.minibatches();
        int workers = run.workers();
        int perRound = workers * run.averagingFrequency();
        WorkerTimes times = new WorkerTimes(sc.sc());
        List<EpochResult> results = new ArrayList<>();
        int rounds = 0;
        try (Engine engine = engine(run, network, plan, times)) {
            for (int epoch = epochsDone + 1; epoch <= run.epochs(); epoch++) {
                double[] timesBefore = times.total();
                long start = System.nanoTime();
                double weightedLoss = 0;
                long imagesDone = 0;
                int nextReport = reportEveryMinibatches;
                for (int from = 0; from < minibatches; from += perRound) {
                    int to = Math.min(minibatches, from + perRound);
                    double loss = engine.round(epoch, slices(from, to, workers));
                    rounds++;
                    long roundImages = Math.min((long) (to - from) * data.minibatchSize(), data.images() - imagesDone);
                    imagesDone += roundImages;
                    weightedLoss += loss * roundImages;
                    if (to >= nextReport || to == minibatches) {
                        nextReport = (to / reportEveryMinibatches + 1) * reportEveryMinibatches;
                        progress.minibatches(epoch, imagesDone, data.images(), loss, imagesDone / seconds(start));
                    }
                }
                double seconds = seconds(start);
                TestEvaluation.Totals test = TestEvaluation.evaluate(sc, network, images.testBroadcast,
                        images.test().count(), workers, run.mean(), run.std());
                EpochResult result = new EpochResult(epoch, weightedLoss / imagesDone, test.nllSum() / test.examples(),
                        test.correct(), test.examples(), (double) test.correct() / test.examples(), seconds,
                        imagesDone / seconds, imagesDone, breakdown(seconds, workers, timesBefore, times.total()),
                        test.confusion());
                results.add(result);
                progress.epochDone(result);
            }
            if (engine instanceof PersistentWorkers persistent) {
                return new Outcome(network, List.copyOf(results), persistent.rebuilt(), persistent.environments(),
                        times.isa());
            }
            return new Outcome(network, List.copyOf(results), rounds * workers, Map.of(), times.isa());
        }
    }

    private Engine engine(TrainingRun run, MultiLayerNetwork network, TrialPlan plan, WorkerTimes times) {
        return switch (run.engine()) {
            case DL4J -> new Dl4jAveraging(sc, network, plan, images, run.workers(),
                    run.averagingFrequency(), workerPrefetch, times);
            case PERSISTENT -> new PersistentWorkers(sc, network, plan, images, run.workers(),
                    run.averagingFrequency(), times);
        };
    }

    /**
     * Minibatches {@code [from, to)} cut into consecutive slices, one per worker, as Spark's parallelize
     * cuts a list of {@code to - from} elements into {@code min(workers, to - from)} partitions.
     */
    static List<Engine.Slice> slices(int from, int to, int workers) {
        int n = to - from;
        int parts = Math.min(workers, n);
        List<Engine.Slice> slices = new ArrayList<>(parts);
        for (int i = 0; i < parts; i++) {
            slices.add(new Engine.Slice(i, from + (int) ((long) i * n / parts), from + (int) ((long) (i + 1) * n / parts)));
        }
        return slices;
    }

    /** Per worker: the accumulators' growth over the epoch divided by the workers; the rest is other. */
    private static EpochResult.Breakdown breakdown(double seconds, int workers, double[] before, double[] after) {
        double fit = (after[0] - before[0]) / workers;
        double data = (after[1] - before[1]) / workers;
        double setup = (after[2] - before[2]) / workers;
        return new EpochResult.Breakdown(fit, data, setup, Math.max(0, seconds - fit - data - setup));
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
