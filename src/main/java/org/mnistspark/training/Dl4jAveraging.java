package org.mnistspark.training;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.core.loader.DataSetLoader;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.api.TrainingHook;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.mnistspark.data.MnistImages;
import org.mnistspark.data.TrainingSet;
import org.mnistspark.model.NativeRuntime;
import org.nd4j.common.loader.Source;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * DL4J's own engine ({@code training.engine = dl4j}): each round is one
 * {@link SparkDl4jMultiLayer#fitPaths} with DL4J's {@link ParameterAveragingTrainingMaster}, which builds
 * every worker's network anew from a broadcast of the master's configuration, parameters and updater
 * state, and averages them afterwards. Minibatches come from the broadcast images: each "path" names
 * one minibatch of the trial and is never opened.
 */
final class Dl4jAveraging implements Engine {
    private final JavaSparkContext sc;
    private final SparkDl4jMultiLayer sparkNetwork;
    private final MemoryMinibatchLoader loader;
    private final Broadcast<TrialPlan> plan;
    private int networksBuilt;

    Dl4jAveraging(Engines.Trial trial) {
        this.sc = trial.sc();
        this.plan = sc.broadcast(trial.plan());
        TrialPlan plan = trial.plan();
        ParameterAveragingTrainingMaster trainingMaster = new ParameterAveragingTrainingMaster.Builder(
                        trial.run().workers(), plan.minibatchSize)
                .batchSizePerWorker(plan.minibatchSize)
                .averagingFrequency(trial.run().averagingFrequency())
                .workerPrefetchNumBatches(trial.workerPrefetch())
                .saveUpdater(true) // average momentum too, so averaging every step equals synchronous SGD
                .repartionData(Repartition.Never) // our partitions are already balanced
                .collectTrainingStats(false)
                // DL4J caches the paths RDD of every round and never frees it; it is a parallelized list
                // of a few names, so recomputing it is free and caching it only fills the block manager.
                .storageLevelStreams(null)
                .rngSeed(plan.seed)
                .build();
        trainingMaster.addHook(new FitTimer(trial.times()));
        this.sparkNetwork = new SparkDl4jMultiLayer(sc, trial.master(), trainingMaster);
        this.loader = new MemoryMinibatchLoader(this.plan, trial.images().trainBroadcast, trial.times());
    }

    @Override
    public double round(int epoch, List<Slice> slices) {
        List<String> paths = new ArrayList<>();
        for (Slice slice : slices) {
            for (int index = slice.from; index < slice.to; index++) {
                paths.add(MemoryMinibatchLoader.path(epoch, index));
            }
        }
        // parallelize cuts the list into the same slices, in order: worker i gets slices.get(i).
        sparkNetwork.fitPaths(sc.parallelize(paths, slices.size()), loader);
        networksBuilt += slices.size(); // DL4J builds each partition's worker network from the broadcast state
        return sparkNetwork.getScore();
    }

    @Override
    public int networksBuilt() {
        return networksBuilt;
    }

    /** None: DL4J's workers live for one round, and nothing asks their executors. */
    @Override
    public Map<String, String> executors() {
        return Map.of();
    }

    @Override
    public void close() {
        plan.destroy();
    }

    /** Makes the minibatch a path names; also the first of this job's classes an executor task deserializes. */
    static final class MemoryMinibatchLoader implements DataSetLoader {
        private static final long serialVersionUID = 1L;
        private static final String PREFIX = "file:/mnist-spark/minibatch/";

        private final Broadcast<TrialPlan> plan;
        private final Broadcast<MnistImages> train;
        private final WorkerTimes times;
        private transient TrainingSet trainingSet;

        MemoryMinibatchLoader(Broadcast<TrialPlan> plan, Broadcast<MnistImages> train, WorkerTimes times) {
            this.plan = plan;
            this.train = train;
            this.times = times;
        }

        static String path(int epoch, int index) {
            return PREFIX + epoch + "/" + index;
        }

        @Override
        public DataSet load(Source source) {
            long started = System.nanoTime();
            String[] epochAndIndex = source.getPath().substring(PREFIX.length()).split("/");
            int epoch = Integer.parseInt(epochAndIndex[0]);
            int index = Integer.parseInt(epochAndIndex[1]);
            if (trainingSet == null) { // one per task: cheap next to a round, and not shared between threads
                trainingSet = plan.value().trainingSet(train.value());
                times.fitsHere();
            }
            DataSet minibatch = trainingSet.minibatch(epoch, index);
            // DL4J fits the minibatch right after loading it, on this thread (without worker prefetch):
            // its dropout masks are then the trial's, whichever worker fits it.
            Nd4j.getRandom().setSeed(trainingSet.randomSeed(epoch, index));
            times.data(System.nanoTime() - started);
            return minibatch;
        }

        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            NativeRuntime.configureThread(); // before DL4J builds the worker's network on this executor
            in.defaultReadObject();
        }
    }

    /** Times DL4J's fit of each minibatch, on the worker. */
    static final class FitTimer implements TrainingHook {
        private static final long serialVersionUID = 1L;
        private final WorkerTimes times;
        private transient long started;

        FitTimer(WorkerTimes times) {
            this.times = times;
        }

        @Override
        public void preUpdate(org.nd4j.linalg.dataset.api.DataSet minibatch, Model model) {
            started = System.nanoTime();
        }

        @Override
        public void postUpdate(org.nd4j.linalg.dataset.api.DataSet minibatch, Model model) {
            times.fit(System.nanoTime() - started);
        }

        @Override
        public void preUpdate(MultiDataSet minibatch, Model model) {
            started = System.nanoTime();
        }

        @Override
        public void postUpdate(MultiDataSet minibatch, Model model) {
            times.fit(System.nanoTime() - started);
        }
    }
}
