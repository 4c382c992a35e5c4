package org.mnistspark.training;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.mnistspark.data.TrainingSet;
import org.mnistspark.model.CnnSpec;
import org.mnistspark.model.MnistCnn;

/**
 * Trains one network on Spark with parameter averaging and evaluates it on the test images after every
 * epoch.
 *
 * <p>An epoch is a sequence of averaging rounds. A round covers the next {@code workers ×
 * averagingFrequency} minibatches of the epoch's seeded order, cut into {@code workers} consecutive
 * slices the way Spark's parallelize cuts a list: worker {@code i} fits slice {@code i} from the
 * averaged state, and the averages of the workers' parameters and updater states become the next
 * state. Driving the rounds here lets the driver report progress and keeps the data order exactly the
 * seeded one. The {@link Engine} that {@link Engines} makes from the run's engine name decides how a round
 * runs: {@link Dl4jAveraging} or {@link PersistentWorkers}. The epochs around the rounds (loss, progress,
 * evaluation) are {@link EpochLoop}'s, as {@link OneJvmTrainer}'s are.
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
     * @param networksBuilt how many worker networks executors built ({@link Engine#networksBuilt()})
     * @param executors     what the native code of the executors that kept workers ran with, by Spark's
     *                      "executor_HOST_ID" location ({@link Engine#executors()}); none for the dl4j engine
     * @param isa           the oneDNN instruction sets the workers trained with ({@link org.mnistspark.model.CpuIsa}),
     *                      comma-separated where executors' CPUs chose differently
     */
    public record Outcome(
            MultiLayerNetwork network,
            List<EpochResult> epochs,
            int networksBuilt,
            Map<String, String> executors,
            String isa) {}

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
    public Outcome train(
            MultiLayerNetwork network,
            int epochsDone,
            TrainingRun run,
            int reportEveryMinibatches,
            TrainingProgress progress)
            throws Exception {
        TrialPlan plan = new TrialPlan(network.getLayerWiseConfigurations(), run);
        TrainingSet data = plan.trainingSet(images.train()); // the driver's copy: counts only
        int workers = run.workers();
        WorkerTimes times = new WorkerTimes(sc.sc());
        EpochLoop epochs = new EpochLoop(
                data,
                workers * run.averagingFrequency(),
                workers,
                reportEveryMinibatches,
                times::total,
                () -> TestEvaluation.evaluate(
                        sc, network, images.testBroadcast, images.test().count(), workers, run.mean(), run.std()));
        try (Engine engine = Engines.create(new Engines.Trial(sc, images, network, plan, run, times, workerPrefetch))) {
            List<EpochResult> results = epochs.run(
                    epochsDone + 1,
                    run.epochs(),
                    (epoch, from, to) -> engine.round(epoch, slices(from, to, workers)),
                    progress);
            return new Outcome(network, results, engine.networksBuilt(), engine.executors(), times.isa());
        }
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
            slices.add(new Engine.Slice(
                    i, from + (int) ((long) i * n / parts), from + (int) ((long) (i + 1) * n / parts)));
        }
        return slices;
    }
}
