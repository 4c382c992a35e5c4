package org.mnistspark.training;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mnistspark.TestSpark;
import org.mnistspark.config.TrainingEngine;
import org.mnistspark.data.MnistDataset;
import org.mnistspark.model.MnistCnn;

/**
 * The engine factory: every engine the configuration offers is made, and each reports what it built through
 * {@link Engine}. Two short rounds per engine, on local[2] with 256 real MNIST images.
 */
class EnginesTest {
    static JavaSparkContext sc;
    static SharedImages images;

    @BeforeAll
    static void images() throws Exception {
        sc = JavaSparkContext.fromSparkContext(TestSpark.session().sparkContext());
        MnistDataset mnist = MnistDataset.load(TestSpark.mnistDir().toString(), sc.hadoopConfiguration());
        images = new SharedImages(sc, mnist.train().first(256), mnist.test().first(100));
    }

    @AfterAll
    static void free() {
        images.close();
    }

    private static Engines.Trial trial(TrainingEngine engine) {
        TrainingRun run = new TrainingRun(engine, 1, 1.0, 1, 2, 32, 1, 0.1307, 0.3081);
        var master = MnistCnn.create(TrialTrainerTest.SPEC);
        TrialPlan plan = new TrialPlan(master.getLayerWiseConfigurations(), run);
        return new Engines.Trial(sc, images, master, plan, run, new WorkerTimes(sc.sc()), 0);
    }

    @Test
    void everyEngineTheConfigurationOffersIsMade() {
        for (TrainingEngine engine : TrainingEngine.values()) {
            try (Engine made = Engines.create(trial(engine))) {
                assertThat(made.networksBuilt())
                        .as(engine + " before its first round")
                        .isZero();
            }
        }
    }

    @Test
    void eachEngineReportsTheNetworksItBuiltAndTheExecutorsThatKeepWorkers() throws Exception {
        try (Engine dl4j = Engines.create(trial(TrainingEngine.DL4J))) {
            assertThat(dl4j.networksBuilt()).isZero();
            dl4j.round(1, TrialTrainer.slices(0, 2, 2));
            dl4j.round(1, TrialTrainer.slices(2, 3, 2));
            assertThat(dl4j.networksBuilt())
                    .as("one per worker and round: 2, then 1 for a 1-minibatch round")
                    .isEqualTo(3);
            assertThat(dl4j.executors()).as("DL4J's workers live for one round").isEmpty();
        }
        try (Engine persistent = Engines.create(trial(TrainingEngine.PERSISTENT))) {
            assertThat(persistent.networksBuilt()).isZero();
            assertThat(persistent.executors()).isEmpty();
            persistent.round(1, TrialTrainer.slices(0, 2, 2));
            persistent.round(1, TrialTrainer.slices(2, 4, 2));
            assertThat(persistent.networksBuilt())
                    .as("one per worker, kept for the second round")
                    .isEqualTo(2);
            assertThat(persistent.executors()).containsOnlyKeys("executor_127.0.0.1_driver");
        }
        assertThat(WorkerCache.size())
                .as("closing the engine frees its workers")
                .isZero();
    }
}
