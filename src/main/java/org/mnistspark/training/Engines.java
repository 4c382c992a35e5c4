package org.mnistspark.training;

import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.mnistspark.config.TrainingOptions;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The training engines by name ({@code training.engine}, {@link TrainingOptions}' engines): the one place a
 * name becomes an {@link Engine}. Whoever trains asks the engine it gets, never its class. An option only
 * some engines use is the configuration's to refuse or leave unrecorded where no trial uses it
 * ({@link TrainingOptions#usesWorkerPrefetch}); here an engine takes what it uses.
 */
final class Engines {
    private Engines() {}

    /**
     * What an engine for one trial is made from.
     *
     * @param master         the driver's network: the averaged state before and after each round
     * @param workerPrefetch {@code training.worker-prefetch}; only DL4J's engine loads minibatches ahead
     */
    record Trial(JavaSparkContext sc, SharedImages images, MultiLayerNetwork master, TrialPlan plan, TrainingRun run,
                 WorkerTimes times, int workerPrefetch) {}

    private interface Maker {
        Engine make(Trial trial);
    }

    private static final Map<String, Maker> BY_NAME = Map.of(
            TrainingOptions.DL4J_ENGINE, t -> new Dl4jAveraging(t.sc(), t.master(), t.plan(), t.images(),
                    t.run().workers(), t.run().averagingFrequency(), t.workerPrefetch(), t.times()),
            TrainingOptions.PERSISTENT_ENGINE, t -> new PersistentWorkers(t.sc(), t.master(), t.plan(), t.images(),
                    t.run().workers(), t.run().averagingFrequency(), t.times()));

    /** The names of every engine there is, sorted. */
    static Set<String> names() {
        return new TreeSet<>(BY_NAME.keySet());
    }

    /**
     * The engine {@code trial.run().engine()} names, ready for the trial's first round.
     *
     * @throws IllegalArgumentException for a name no engine has
     */
    static Engine create(Trial trial) {
        return maker(trial.run().engine()).make(trial);
    }

    /** @throws IllegalArgumentException for a name no engine has, before anything is made */
    static void check(String name) {
        maker(name);
    }

    private static Maker maker(String name) {
        Maker maker = name == null ? null : BY_NAME.get(name);
        if (maker == null) {
            throw new IllegalArgumentException("unknown training engine " + name + "; the engines are "
                    + String.join(", ", names()));
        }
        return maker;
    }
}
