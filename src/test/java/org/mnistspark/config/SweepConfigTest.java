package org.mnistspark.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.mnistspark.storage.Storage;

class SweepConfigTest {
    @TempDir
    Path dir;

    private String conf(String text) throws IOException {
        Path file = dir.resolve("sweep.conf");
        Files.writeString(file, text);
        return file.toString();
    }

    @Test
    void defaultsAreTheReferenceSweep() {
        SweepConfig config = SweepConfig.load(null, List.of());
        assertThat(config.grid().values(Hyperparameters.HIDDEN_CHANNELS)).containsExactly(2, 5, 10, 20, 32);
        assertThat(config.grid().values(Hyperparameters.EPOCHS)).containsExactly(2);
        assertThat(config.grid().values(Hyperparameters.DROPOUT)).containsExactly(0.2);
        assertThat(config.grid().values(Hyperparameters.KERNEL_SIZE)).containsExactly(5);
        assertThat(config.grid().values(Hyperparameters.OPTIMIZER)).containsExactly(Optimizer.SGD);
        assertThat(config.grid().values(Hyperparameters.LEARNING_RATE)).containsExactly(0.01);
        assertThat(config.grid().values(Hyperparameters.MOMENTUM)).containsExactly(0.5);
        assertThat(config.grid().values(Hyperparameters.BATCH_SIZE)).containsExactly(64);
        assertThat(config.grid().values(Hyperparameters.SEED)).containsExactly(1L);
        assertThat(config.normalization().mean()).isEqualTo(0.1307);
        assertThat(config.normalization().std()).isEqualTo(0.3081);
        assertThat(config.experiment()).isEqualTo("mnist-cnn");
        assertThat(config.trials()).hasSize(5);
        assertThat(config.origins())
                .hasSize(SweepConfig.SETTINGS.size())
                .allSatisfy((key, origin) -> assertThat(origin).endsWith("(built-in defaults)"));
    }

    /** conf/ holds examples that differ from the defaults, and each one loads. */
    @ParameterizedTest
    @ValueSource(strings = {"conf/quick.conf", "conf/large.conf"})
    void theShippedExamplesAreValidAndDifferFromTheDefaults(String file) {
        SweepConfig config = SweepConfig.load(file, List.of());
        SweepConfig defaults = SweepConfig.load(null, List.of());
        assertThat(config.experiment()).isNotEqualTo(defaults.experiment());
        assertThat(config.trials()).isNotEqualTo(defaults.trials());
        assertThat(config.origins().values())
                .filteredOn(origin -> origin.contains(file))
                .isNotEmpty();
    }

    @Test
    void commandLineBeatsFileBeatsDefaultsAndOriginsSaySo() throws IOException {
        String file = conf("training { epochs = 3, learning-rate = 0.05 }\nexperiment = from-file\n");
        SweepConfig config = SweepConfig.load(file, List.of("training.epochs=4"));
        assertThat(config.grid().values(Hyperparameters.EPOCHS)).containsExactly(4);
        assertThat(config.grid().values(Hyperparameters.LEARNING_RATE)).containsExactly(0.05);
        assertThat(config.grid().values(Hyperparameters.MOMENTUM)).containsExactly(0.5);
        assertThat(config.experiment()).isEqualTo("from-file");
        assertThat(config.origins().get("training.epochs")).contains("command line");
        assertThat(config.origins().get("training.learning-rate")).contains(file + ": 1");
        assertThat(config.origins().get("training.momentum")).contains("built-in defaults");
        assertThat(config.describe()).contains("training.epochs", "[4]");
    }

    @Test
    void laterCommandLineSettingsWin() {
        SweepConfig config = SweepConfig.load(null, List.of("training.epochs=2", "training.epochs=5"));
        assertThat(config.grid().values(Hyperparameters.EPOCHS)).containsExactly(5);
    }

    @Test
    void gridIsTheCartesianProduct() {
        SweepConfig config = SweepConfig.load(
                null,
                List.of(
                        "model.hidden-channels=[2,5,10]",
                        "training.learning-rate=[0.01,0.1]",
                        "model.dropout=0.3",
                        "data.train-fraction=[0.25,1.0]"));
        List<TrialSpec> trials = config.trials();
        assertThat(trials).hasSize(12).doesNotHaveDuplicates().allMatch(t -> t.dropout() == 0.3);
        assertThat(trials)
                .extracting(TrialSpec::hiddenChannels)
                .as("hidden channels vary fastest")
                .startsWith(2, 5, 10, 2);
        assertThat(trials)
                .extracting(TrialSpec::trainFraction)
                .as("the train fraction varies slowest")
                .containsSequence(0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 1.0);
    }

    @Test
    void aBatchSizeGridIsRejectedWhileTheWorkersBatchIsFixed() {
        assertThatThrownBy(() -> SweepConfig.load(
                        null, List.of("training.batch-size=[32,64]", "training.batch-size-per-worker=16")))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("training.batch-size = [32, 64]  (command line)")
                .hasMessageContaining("training.batch-size-per-worker");
        assertThat(SweepConfig.load(
                                null,
                                List.of(
                                        "model.hidden-channels=5",
                                        "training.batch-size=32",
                                        "training.batch-size-per-worker=16"))
                        .trials())
                .as("one batch size is fine")
                .hasSize(1);
    }

    /**
     * The workers are a trial's own (2 by default, whatever the cluster), a grid key like the others; a
     * configuration whose workers would each fit fewer than 8 images a step is refused before Spark starts.
     */
    @Test
    void workersAreAGridKeyAndTooSmallAMinibatchPerWorkerIsRefused() {
        assertThat(SweepConfig.load(null, List.of()).trials())
                .extracting(TrialSpec::workers)
                .containsOnly(2);
        SweepConfig two = SweepConfig.load(null, List.of("model.hidden-channels=5", "data.workers=[1,2,8]"));
        assertThat(two.trials()).extracting(TrialSpec::workers).containsExactly(1, 2, 8);
        assertThat(two.trials()).extracting(two::minibatchPerWorker).containsExactly(64, 32, 8);
        assertThatThrownBy(() -> SweepConfig.load(null, List.of("data.workers=16")))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("data.workers = [16]  (command line)")
                .hasMessageContaining("training.batch-size 64 shared by data.workers 16")
                .hasMessageContaining("minibatch of 4 images, under the minimum of 8");
        assertThatThrownBy(() -> SweepConfig.load(null, List.of("training.batch-size-per-worker=4")))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("training.batch-size-per-worker = 4  (command line)");
        assertThatThrownBy(() -> SweepConfig.load(null, List.of("data.workers=0")))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("sweep.parallel-trials");
        assertThat(SweepConfig.load(null, List.of("sweep.parallel-trials=3"))
                        .parallel()
                        .parallelTrials())
                .isEqualTo(3);
        assertThat(SweepConfig.load(null, List.of()).parallel().parallelTrials())
                .as("from the cores")
                .isZero();
    }

    /**
     * Only the dl4j engine loads minibatches ahead: a worker prefetch given where no trial trains on it is
     * refused, and the persistent engine's trials record 0 ("not used") whatever the setting says.
     */
    @Test
    void aWorkerPrefetchNoTrialUsesIsRefusedAndThePersistentEngineRecordsNone() throws IOException {
        assertThatThrownBy(() -> SweepConfig.load(null, List.of("training.worker-prefetch=2")))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("training.worker-prefetch = 2  (command line)")
                .hasMessageContaining("no trial of the grid uses it (all train on persistent)");
        assertThatThrownBy(() ->
                        SweepConfig.load(null, List.of("training.engine=persistent", "training.worker-prefetch=0")))
                .as("given is given, even the default value")
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("training.worker-prefetch");
        Path file = dir.resolve("prefetch.conf");
        Files.writeString(file, "training {\n  worker-prefetch = 1\n}\n");
        assertThatThrownBy(() -> SweepConfig.load(file.toString(), List.of()))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("training.worker-prefetch = 1  (" + file + ": 2)");

        assertThat(SweepConfig.load(null, List.of()).training().workerPrefetch(TrainingEngine.PERSISTENT))
                .as("the default is no setting given")
                .isZero();
        TrainingOptions dl4j = SweepConfig.load(null, List.of("training.engine=dl4j", "training.worker-prefetch=2"))
                .training();
        assertThat(dl4j.workerPrefetch(TrainingEngine.DL4J)).isEqualTo(2);
        TrainingOptions both = SweepConfig.load(file.toString(), List.of("training.engine=[dl4j,persistent]"))
                .training();
        assertThat(both.workerPrefetch(TrainingEngine.DL4J)).isEqualTo(1);
        assertThat(both.workerPrefetch(TrainingEngine.PERSISTENT))
                .as("not used: recorded as 0")
                .isZero();
    }

    @Test
    void adamIsTrainedOncePerMomentumGridBecauseItIgnoresMomentum() {
        SweepConfig config = SweepConfig.load(
                null,
                List.of("model.hidden-channels=5", "training.optimizer=[sgd,adam]", "training.momentum=[0.5,0.9]"));
        assertThat(config.trials())
                .extracting(t -> t.optimizer() + " " + t.momentum())
                .containsExactly("sgd 0.5", "sgd 0.9", "adam 0.5");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = ';',
            value = {
                "model.hidden-channels=0; model.hidden-channels",
                "model.hidden-channels=[2,-5]; model.hidden-channels",
                "model.dropout=1.0; model.dropout",
                "model.dropout=-0.1; model.dropout",
                "training.epochs=0; training.epochs",
                "training.epochs=-1; training.epochs",
                "data.train-fraction=0; data.train-fraction",
                "data.train-fraction=1.5; data.train-fraction",
                "model.hidden-channels=[]; model.hidden-channels",
                "training.learning-rate=[]; training.learning-rate",
                "training.learning-rate=0; training.learning-rate",
                "training.momentum=1; training.momentum",
                "training.optimizer=rmsprop; training.optimizer",
                "training.engine=horovod; training.engine",
                "training.engine=[dl4j,Persistent]; training.engine",
                "training.batch-size=0; training.batch-size",
                "training.averaging-frequency=0; training.averaging-frequency",
                "model.kernel-size=12; model.kernel-size",
                "normalization.std=0; normalization.std",
                "training.epochs=two; training.epochs",
                "model.hidden-channels=[5,5]; model.hidden-channels",
                "data.workers=-2; data.workers",
                "output.rerun=maybe; output.rerun",
                "training.epochs=null; training.epochs",
                "data=5; data",
                "model=[1]; model",
                "model.hidden-channels=[2,x]; model.hidden-channels",
            })
    void rejectsInvalidValuesNamingTheKey(String setting, String key) {
        assertThatThrownBy(() -> SweepConfig.load(null, List.of(setting)))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining(key)
                .hasMessageContaining("command line");
    }

    @Test
    void rejectsInvalidValueInFileNamingFileAndLine() throws IOException {
        String file = conf("experiment = x\ntraining {\n  epochs = 0\n}\n");
        assertThatThrownBy(() -> SweepConfig.load(file, List.of()))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("training.epochs")
                .hasMessageContaining(file + ": 3");
    }

    @Test
    void rejectsUnknownKeysInFileAndOnCommandLine() throws IOException {
        String file = conf("training { epoch = 3 }");
        assertThatThrownBy(() -> SweepConfig.load(file, List.of()))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("unknown setting 'training.epoch'")
                .hasMessageContaining(file);
        assertThatThrownBy(() -> SweepConfig.load(null, List.of("model.layers=3")))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("'model.layers'");
    }

    @Test
    void rejectsMissingAndMalformedFiles() throws IOException {
        assertThatThrownBy(() -> SweepConfig.load(dir.resolve("nope.conf").toString(), List.of()))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("nope.conf");
        String broken = conf("training { epochs = ");
        assertThatThrownBy(() -> SweepConfig.load(broken, List.of()))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining(broken);
    }

    @Test
    void readsTheFileFromAHadoopPath() throws IOException {
        String file = conf("training { epochs = 7 }");
        SweepConfig config = SweepConfig.load(Path.of(file).toUri().toString(), List.of());
        assertThat(config.grid().values(Hyperparameters.EPOCHS)).containsExactly(7);
        assertThat(config.origins().get("training.epochs")).contains("file:");
        assertThatThrownBy(
                        () -> SweepConfig.load(dir.resolve("gone.conf").toUri().toString(), List.of()))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("gone.conf");
    }

    @Test
    void hadoopSettingsGivenToSparkSubmitApplyBeforeSparkStarts() {
        System.setProperty("spark.hadoop.fs.s3a.endpoint", "http://127.0.0.1:9");
        try {
            assertThat(Storage.hadoopConfiguration().get("fs.s3a.endpoint")).isEqualTo("http://127.0.0.1:9");
        } finally {
            System.clearProperty("spark.hadoop.fs.s3a.endpoint");
        }
    }

    @Test
    void aRetiredSettingIsIgnoredWithAWarningSoOldFilesStillRun() throws IOException {
        String file = conf("data { minibatch-dir = \"s3a://b/work/minibatches\" }\n");
        SweepConfig config = SweepConfig.load(file, List.of("data.minibatch-dir=\"work/minibatches\""));
        assertThat(config.warnings())
                .hasSize(2)
                .allSatisfy(w -> assertThat(w).contains("data.minibatch-dir", "no longer used"));
        assertThat(config.warnings().get(0)).contains(file);
        assertThat(SweepConfig.load(null, List.of()).warnings()).isEmpty();
    }

    @Test
    void rejectsSetWithoutEquals() {
        assertThatThrownBy(() -> SweepConfig.load(null, List.of("training.epochs")))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("key=value");
    }

    @Test
    void kernelSizesThatFit28PixelImages() {
        assertThat(List.of(3, 5, 9)).allMatch(Hyperparameters::kernelFits);
        assertThat(List.of(0, 10)).noneMatch(Hyperparameters::kernelFits);
    }
}
