package org.mnistspark.training;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.rdd.RDD;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.mnistspark.data.MnistImages;
import org.mnistspark.model.NativeRuntime;
import org.nd4j.linalg.api.ndarray.INDArray;
import scala.Tuple2;
import scala.collection.JavaConverters;
import scala.collection.Seq;
import scala.reflect.ClassTag$;

/**
 * The persistent-workers engine ({@code training.engine = persistent}): every worker keeps its DL4J
 * network (updater, oneDNN primitives, workspaces) and its minibatches in its executor's JVM between
 * rounds ({@link WorkerCache}). A round is one short Spark job: the averaged parameters and updater
 * state go out as one small broadcast, each worker loads them into its network and fits its next
 * minibatches, and the driver averages what comes back with DL4J's arithmetic
 * (ParameterAveragingTrainingMaster with saveUpdater(true): sums divided by the number of workers).
 *
 * <p>Worker {@code i} prefers the executor it ran on before. A task that lands elsewhere (a retry after
 * a lost executor, say) builds the worker there, which is correct by construction: every round starts
 * from the averaged state, and a minibatch's data and dropout masks depend only on the trial.
 */
final class PersistentWorkers implements Engine {
    private final JavaSparkContext sc;
    private final MultiLayerNetwork master;
    private final Broadcast<TrialPlan> plan;
    private final Broadcast<MnistImages> train;
    private final WorkerTimes times;
    private final int averagingFrequency;
    /** Where each worker ran last: Spark's "executor_HOST_ID" location, or null before its first round. */
    private final String[] locations;
    /** What each executor's native code ran with ({@link NativeRuntime#environment()}), by location. */
    private final Map<String, String> environments = new TreeMap<>();

    private int rebuilt;

    PersistentWorkers(Engines.Trial trial) {
        this.sc = trial.sc();
        this.master = trial.master();
        this.plan = sc.broadcast(trial.plan());
        this.train = trial.images().trainBroadcast;
        this.times = trial.times();
        this.averagingFrequency = trial.run().averagingFrequency();
        this.locations = new String[trial.run().workers()];
    }

    @Override
    public double round(int epoch, List<Slice> slices) {
        // A broadcast, not the task: with many workers, executors fetch it from each other.
        Broadcast<RoundState> state = sc.broadcast(new RoundState(master));
        List<WorkerResult> results;
        try {
            List<Tuple2<Slice, Seq<String>>> tasks = new ArrayList<>();
            for (Slice slice : slices) {
                String where = locations[slice.worker];
                tasks.add(new Tuple2<>(
                        slice,
                        JavaConverters.asScalaBuffer(where == null ? List.<String>of() : List.of(where))
                                .toSeq()));
            }
            RDD<Slice> rdd = sc.sc()
                    .makeRDD(
                            JavaConverters.asScalaBuffer(tasks).toSeq(),
                            ClassTag$.MODULE$.apply(Slice.class)); // one partition per worker, each with its location
            results = JavaRDD.fromRDD(rdd, ClassTag$.MODULE$.apply(Slice.class))
                    .map(new Fit(plan, train, state, epoch, times))
                    .collect();
        } finally {
            state.destroy();
        }
        return average(results);
    }

    /** The master takes the mean of the workers' parameters and updater states, as DL4J's master does. */
    private double average(List<WorkerResult> results) {
        INDArray[] mean = mean(results);
        master.setParameters(mean[0]);
        master.getUpdater().setStateViewArray(null, mean[1], false);
        // DL4J's master counts averagingFrequency iterations per round, also for a short last round.
        master.getLayerWiseConfigurations()
                .setIterationCount(master.getLayerWiseConfigurations().getIterationCount() + averagingFrequency);
        for (WorkerResult result : results) {
            locations[result.worker] = result.location;
            rebuilt += result.rebuilt ? 1 : 0;
            environments.put(result.location, result.environment);
        }
        double score = 0;
        for (WorkerResult result : results) {
            score += result.score; // in worker order, as before: train losses stay bit for bit the same
        }
        return score / results.size();
    }

    /** The workers' mean parameters and mean updater state: sums divided by the number of workers, as DL4J's. */
    static INDArray[] mean(List<WorkerResult> results) {
        INDArray params = PersistentWorker.row(results.get(0).params);
        INDArray updater = PersistentWorker.row(results.get(0).updater);
        for (WorkerResult result : results.subList(1, results.size())) {
            params.addi(PersistentWorker.row(result.params));
            updater.addi(PersistentWorker.row(result.updater));
        }
        return new INDArray[] {params.divi(results.size()), updater.divi(results.size())};
    }

    /** How often a worker's network was built in an executor: once per worker, plus once per move. */
    @Override
    public int networksBuilt() {
        return rebuilt;
    }

    /** What the native code of each executor that ran a worker used, by Spark's "executor_HOST_ID" location. */
    @Override
    public Map<String, String> executors() {
        return Map.copyOf(environments);
    }

    /** Frees the workers the executors keep for this trial: here, and through a job on every known executor. */
    @Override
    public void close() {
        String key = plan.value().key;
        WorkerCache.evict(key);
        List<Tuple2<String, Seq<String>>> everywhere = new ArrayList<>();
        for (String where : new java.util.LinkedHashSet<>(java.util.Arrays.asList(locations))) {
            if (where != null) {
                everywhere.add(new Tuple2<>(
                        key, JavaConverters.asScalaBuffer(List.of(where)).toSeq()));
            }
        }
        if (!everywhere.isEmpty()) {
            RDD<String> rdd = sc.sc()
                    .makeRDD(JavaConverters.asScalaBuffer(everywhere).toSeq(), ClassTag$.MODULE$.apply(String.class));
            JavaRDD.fromRDD(rdd, ClassTag$.MODULE$.apply(String.class)).foreach(WorkerCache::evict);
        }
        plan.destroy();
    }

    /** The averaged state a round starts from. A class for Spark's Kryo. */
    static final class RoundState implements Serializable {
        private static final long serialVersionUID = 1L;
        final float[] params;
        final float[] updater;
        final int iteration;
        final int epoch;

        RoundState(MultiLayerNetwork master) {
            this.params = master.params().toFloatVector();
            this.updater = master.getUpdater().getStateViewArray().toFloatVector();
            this.iteration = master.getLayerWiseConfigurations().getIterationCount();
            this.epoch = master.getLayerWiseConfigurations().getEpochCount();
        }
    }

    /** What a worker sends back after its round. */
    static final class WorkerResult implements Serializable {
        private static final long serialVersionUID = 1L;
        final int worker;
        final float[] params;
        final float[] updater;
        final double score;
        final String location;
        final boolean rebuilt;
        final String environment;

        WorkerResult(
                int worker,
                float[] params,
                float[] updater,
                double score,
                String location,
                boolean rebuilt,
                String environment) {
            this.worker = worker;
            this.params = params;
            this.updater = updater;
            this.score = score;
            this.location = location;
            this.rebuilt = rebuilt;
            this.environment = environment;
        }
    }

    /** One worker's round, on an executor. */
    static final class Fit implements Function<Slice, WorkerResult> {
        private static final long serialVersionUID = 1L;
        private final Broadcast<TrialPlan> plan;
        private final Broadcast<MnistImages> train;
        private final Broadcast<RoundState> state;
        private final int epoch;
        private final WorkerTimes times;

        Fit(
                Broadcast<TrialPlan> plan,
                Broadcast<MnistImages> train,
                Broadcast<RoundState> state,
                int epoch,
                WorkerTimes times) {
            this.plan = plan;
            this.train = train;
            this.state = state;
            this.epoch = epoch;
            this.times = times;
        }

        @Override
        public WorkerResult call(Slice slice) {
            NativeRuntime.configureThread(); // before anything loads ND4J in this executor
            long started = System.nanoTime();
            TrialPlan trial = plan.value();
            boolean[] built = {false};
            WorkerCache.Lease lease = WorkerCache.lease(trial.key, slice.worker, () -> {
                built[0] = true;
                return new PersistentWorker(trial, train.value());
            });
            try {
                PersistentWorker worker = lease.worker();
                worker.load(state.value());
                times.setup(System.nanoTime() - started);
                worker.fit(epoch, slice.from, slice.to, times);
                SparkEnv env = SparkEnv.get();
                String location =
                        "executor_" + env.blockManager().blockManagerId().host() + "_" + env.executorId();
                return new WorkerResult(
                        slice.worker,
                        worker.params(),
                        worker.updaterState(),
                        worker.score(),
                        location,
                        built[0],
                        NativeRuntime.environment());
            } finally {
                lease.close();
            }
        }
    }
}
