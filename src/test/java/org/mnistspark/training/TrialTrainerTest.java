package org.mnistspark.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mnistspark.TestSpark;
import org.mnistspark.config.Optimizer;
import org.mnistspark.config.TrainingEngine;
import org.mnistspark.data.MnistDataset;
import org.mnistspark.model.CnnSpec;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Both engines on local[2] with real MNIST images: 1,280 training images in minibatches of 32 per
 * worker, 2 workers averaging every 5 minibatches: 4 rounds per epoch, 8 in 2 epochs.
 */
class TrialTrainerTest {
    static final CnnSpec SPEC = new CnnSpec(5, 5, 0.2, Optimizer.SGD, 0.05, 0.9, 1);
    static JavaSparkContext sc;
    static SharedImages images;

    @BeforeAll
    static void images() throws Exception {
        sc = JavaSparkContext.fromSparkContext(TestSpark.session().sparkContext());
        MnistDataset mnist = MnistDataset.load(TestSpark.mnistDir().toString(), sc.hadoopConfiguration());
        images = new SharedImages(sc, mnist.train().first(1280), mnist.test().first(500));
    }

    @AfterAll
    static void free() {
        images.close();
    }

    static TrainingRun run(TrainingEngine engine) {
        return new TrainingRun(engine, 2, 1.0, 1, 2, 32, 5, 0.1307, 0.3081);
    }

    static TrialTrainer.Outcome train(TrainingEngine engine, TrainingProgress progress) throws Exception {
        return new TrialTrainer(sc, images, 0).train(SPEC, run(engine), 1, progress);
    }

    static final TrainingProgress QUIET = new TrainingProgress() {
        public void minibatches(int epoch, long done, long all, double loss, double rate) {}

        public void epochDone(EpochResult result) {}
    };

    /**
     * The persistent engine computes what DL4J's ParameterAveragingTrainingMaster computes: from the same
     * seed, minibatches and averaging frequency, the same parameters after 8 rounds, to float rounding.
     * Dropout stays on (the spatial 0.2 and the dense 0.5): each minibatch's dropout masks are seeded
     * from the trial, so they are the same in both engines too.
     */
    @Test
    void bothEnginesComputeTheSameParameters() throws Exception {
        TrialTrainer.Outcome dl4j = train(TrainingEngine.DL4J, QUIET);
        TrialTrainer.Outcome persistent = train(TrainingEngine.PERSISTENT, QUIET);
        assertClose(persistent.network().params(), dl4j.network().params());
        assertThat(persistent.epochs())
                .extracting(EpochResult::testCorrect)
                .isEqualTo(dl4j.epochs().stream().map(EpochResult::testCorrect).toList());
        assertThat(persistent.networksBuilt())
                .as("one network per worker, kept for all 8 rounds")
                .isEqualTo(2);
        assertThat(dl4j.networksBuilt())
                .as("DL4J builds every worker's network every round")
                .isEqualTo(16);
        // local[2]: one executor, the driver's JVM; OMP_NUM_THREADS=1 is the test JVM's (pom.xml), and no
        // YARN container: JavaCPP's cache is where it always is here.
        String cache = "JavaCPP cache "
                + org.bytedeco.javacpp.Loader.getCacheDir().toPath().toAbsolutePath() + " (";
        assertThat(persistent.executors())
                .hasSize(1)
                .hasEntrySatisfying(
                        "executor_127.0.0.1_driver",
                        environment -> assertThat(environment)
                                .startsWith("OMP_NUM_THREADS=1, DNNL_MAX_CPU_ISA=")
                                .contains(cache)
                                .matches(".* \\([1-9][0-9]* MB\\)"));
        assertThat(dl4j.executors())
                .as("the dl4j engine keeps no workers to ask")
                .isEmpty();
        assertThat(dl4j.network().params())
                .as("it trained")
                .isNotEqualTo(org.mnistspark.model.MnistCnn.create(SPEC).params());
    }

    /** The same trial on the same engine and workers gives the same parameters, run after run. */
    @Test
    void aTrialTrainsTheSameWayEveryRun() throws Exception {
        INDArray first = train(TrainingEngine.PERSISTENT, QUIET).network().params();
        assertThat(train(TrainingEngine.PERSISTENT, QUIET).network().params()).isEqualTo(first);
        assertThat(WorkerCache.size())
                .as("the trial's workers are evicted when it ends")
                .isZero();
    }

    /**
     * A worker whose executor lost it (here: every worker, after every round) is built again from the
     * round's broadcast state, and the trial ends exactly where it ends without the loss.
     */
    @Test
    void workersRebuiltFromTheBroadcastStateTrainTheSame() throws Exception {
        INDArray undisturbed = train(TrainingEngine.PERSISTENT, QUIET).network().params();
        TrainingProgress forgetful = new TrainingProgress() {
            public void minibatches(int epoch, long done, long all, double loss, double rate) {
                WorkerCache.clear();
            }

            public void epochDone(EpochResult result) {}
        };
        TrialTrainer.Outcome rebuilt = train(TrainingEngine.PERSISTENT, forgetful);
        assertThat(rebuilt.networksBuilt())
                .as("2 workers x 8 rounds, all rebuilt")
                .isEqualTo(16);
        assertThat(rebuilt.network().params()).isEqualTo(undisturbed);
    }

    /**
     * Both trainers run the same epochs: one worker averaging after every minibatch fits what one JVM fits,
     * and the two report progress at the same points (after the rounds that reach every 3rd minibatch, and
     * the epoch's last), with the same train loss (the rounds' losses weighted by their images) and the same
     * test results. The losses agree to float rounding: the worker's network is another instance, fed the
     * averaged state as floats.
     */
    @Test
    void bothTrainersShareTheEpochLoop() throws Exception {
        TrainingRun run = new TrainingRun(TrainingEngine.PERSISTENT, 2, 0.25, 1, 1, 32, 1, 0.1307, 0.3081);
        List<Object[]> spark = new java.util.ArrayList<>();
        List<EpochResult> sparkEpochs = new TrialTrainer(sc, images, 0)
                .train(SPEC, run, 3, recording(spark))
                .epochs();
        List<Object[]> oneJvm = new java.util.ArrayList<>();
        List<EpochResult> oneJvmEpochs =
                OneJvmTrainer.train(SPEC, run, images.train(), images.test(), 3, recording(oneJvm));
        assertThat(oneJvm)
                .extracting(report -> report[0])
                .as("10 minibatches an epoch: at 3, 6, 9 and 10")
                .containsExactly(
                        "epoch 1: 96/323",
                        "epoch 1: 192/323",
                        "epoch 1: 288/323",
                        "epoch 1: 323/323",
                        "epoch 1 done: 323",
                        "epoch 2: 96/323",
                        "epoch 2: 192/323",
                        "epoch 2: 288/323",
                        "epoch 2: 323/323",
                        "epoch 2 done: 323")
                .isEqualTo(spark.stream().map(report -> report[0]).toList());
        for (int i = 0; i < oneJvm.size(); i++) {
            double expected = (double) spark.get(i)[1];
            assertThat((double) oneJvm.get(i)[1])
                    .as(oneJvm.get(i)[0] + " loss")
                    .isCloseTo(expected, org.assertj.core.api.Assertions.within(1e-5 * expected));
        }
        for (int i = 0; i < 2; i++) {
            EpochResult a = oneJvmEpochs.get(i);
            EpochResult b = sparkEpochs.get(i);
            assertThat(a.testCorrect())
                    .as("to a borderline image")
                    .isCloseTo(b.testCorrect(), org.assertj.core.api.Assertions.within(1L));
            assertThat(a.testLoss()).isCloseTo(b.testLoss(), org.assertj.core.api.Assertions.within(1e-5));
            assertThat(a.time().setupSeconds()).as("no workers to set up").isZero();
            assertThat(a.time().fitSeconds() + a.time().dataSeconds() + a.time().otherSeconds())
                    .isCloseTo(a.seconds(), org.assertj.core.api.Assertions.within(1e-6));
        }
    }

    /** The progress reports as {"epoch E: DONE/ALL", loss} and {"epoch E done: IMAGES", train loss}. */
    private static TrainingProgress recording(List<Object[]> reports) {
        return new TrainingProgress() {
            public void minibatches(int epoch, long done, long all, double loss, double rate) {
                reports.add(new Object[] {"epoch " + epoch + ": " + done + "/" + all, loss});
            }

            public void epochDone(EpochResult result) {
                reports.add(
                        new Object[] {"epoch " + result.epoch() + " done: " + result.trainImages(), result.trainLoss()
                        });
            }
        };
    }

    @Test
    void roundsAreCutIntoWorkerSlicesTheWaySparksParallelizeCutsThem() {
        for (int[] fromToWorkers : new int[][] {{0, 10, 2}, {10, 13, 2}, {0, 1, 2}, {7, 30, 3}, {0, 5, 8}}) {
            List<Integer> minibatches =
                    IntStream.range(fromToWorkers[0], fromToWorkers[1]).boxed().toList();
            List<List<Integer>> spark = sc.parallelize(minibatches, Math.min(fromToWorkers[2], minibatches.size()))
                    .glom()
                    .collect();
            List<List<Integer>> ours =
                    TrialTrainer.slices(fromToWorkers[0], fromToWorkers[1], fromToWorkers[2]).stream()
                            .map(s -> IntStream.range(s.from, s.to).boxed().toList())
                            .toList();
            assertThat(ours).isEqualTo(spark);
        }
    }

    private static void assertClose(INDArray actual, INDArray expected) {
        float[] a = actual.toFloatVector();
        float[] e = expected.toFloatVector();
        assertThat(a).hasSameSizeAs(e);
        for (int i = 0; i < a.length; i++) {
            assertThat(a[i])
                    .as("parameter " + i)
                    .isCloseTo(e[i], org.assertj.core.api.Assertions.within(1e-5f + 1e-4f * Math.abs(e[i])));
        }
    }
}
