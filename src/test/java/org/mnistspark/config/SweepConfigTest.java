package org.mnistspark.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        assertEquals(List.of(2, 5, 10, 20, 32), config.model().hiddenChannels());
        assertEquals(List.of(2), config.training().epochs());
        assertEquals(List.of(0.2), config.model().dropout());
        assertEquals(List.of(5), config.model().kernelSize());
        assertEquals(List.of("sgd"), config.training().optimizer());
        assertEquals(List.of(0.01), config.training().learningRate());
        assertEquals(List.of(0.5), config.training().momentum());
        assertEquals(List.of(64), config.training().batchSize());
        assertEquals(List.of(1L), config.training().seed());
        assertEquals(0.1307, config.normalization().mean());
        assertEquals(0.3081, config.normalization().std());
        assertEquals(5, config.trials().size());
    }

    @Test
    void theShippedConfFileIsValidAndMatchesTheReference() {
        SweepConfig config = SweepConfig.load("conf/mnist-sweep.conf", List.of());
        assertEquals(List.of(2, 5, 10, 20, 32), config.model().hiddenChannels());
        assertTrue(config.origins().get("model.hidden-channels").contains("conf/mnist-sweep.conf"));
    }

    @Test
    void commandLineBeatsFileBeatsDefaultsAndOriginsSaySo() throws IOException {
        String file = conf("training { epochs = 3, learning-rate = 0.05 }\nexperiment = from-file\n");
        SweepConfig config = SweepConfig.load(file, List.of("training.epochs=4"));
        assertEquals(List.of(4), config.training().epochs());
        assertEquals(List.of(0.05), config.training().learningRate());
        assertEquals(List.of(0.5), config.training().momentum());
        assertEquals("from-file", config.experiment());
        assertTrue(config.origins().get("training.epochs").contains("command line"), config.origins().toString());
        assertTrue(config.origins().get("training.learning-rate").contains(file + ": 1"),
                config.origins().get("training.learning-rate"));
        assertTrue(config.origins().get("training.momentum").contains("built-in defaults"));
        assertTrue(config.describe().contains("training.epochs"));
    }

    @Test
    void laterCommandLineSettingsWin() {
        SweepConfig config = SweepConfig.load(null, List.of("training.epochs=2", "training.epochs=5"));
        assertEquals(List.of(5), config.training().epochs());
    }

    @Test
    void gridIsTheCartesianProduct() {
        SweepConfig config = SweepConfig.load(null, List.of("model.hidden-channels=[2,5,10]",
                "training.learning-rate=[0.01,0.1]", "model.dropout=0.3", "data.train-fraction=[0.25,1.0]"));
        List<TrialSpec> trials = config.trials();
        assertEquals(12, trials.size());
        assertEquals(12, trials.stream().distinct().count());
        assertTrue(trials.stream().allMatch(t -> t.dropout() == 0.3));
        assertEquals(2, trials.get(0).hiddenChannels());
        assertEquals(5, trials.get(1).hiddenChannels()); // hidden channels vary fastest
    }

    @Test
    void aBatchSizeGridIsRejectedWhileTheWorkersBatchIsFixed() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> SweepConfig.load(null,
                List.of("training.batch-size=[32,64]", "training.batch-size-per-worker=16")));
        assertTrue(e.getMessage().contains("training.batch-size = [32,64]  (command line)"), e.getMessage());
        assertEquals(1, SweepConfig.load(null, List.of("model.hidden-channels=5", "training.batch-size=32",
                "training.batch-size-per-worker=16")).trials().size(), "one batch size is fine");
    }

    @Test
    void adamIsTrainedOncePerMomentumGridBecauseItIgnoresMomentum() {
        SweepConfig config = SweepConfig.load(null, List.of("model.hidden-channels=5",
                "training.optimizer=[sgd,adam]", "training.momentum=[0.5,0.9]"));
        List<String> trials = config.trials().stream().map(t -> t.optimizer() + " " + t.momentum()).toList();
        assertEquals(List.of("sgd 0.5", "sgd 0.9", "adam 0.5"), trials);
    }

    @Test
    void trialIdIsStableAndDependsOnEverythingThatMatters() {
        TrialSpec a = SweepConfig.load(null, List.of()).trials().get(0);
        TrialSpec same = SweepConfig.load(null, List.of()).trials().get(0);
        TrialSpec otherLr = SweepConfig.load(null, List.of("training.learning-rate=0.02")).trials().get(0);
        assertEquals(a.trialId("e", "setup"), same.trialId("e", "setup"));
        assertTrue(!a.trialId("e", "setup").equals(a.trialId("f", "setup")));
        assertTrue(!a.trialId("e", "setup").equals(a.trialId("e", "other setup")));
        assertTrue(!a.trialId("e", "setup").equals(otherLr.trialId("e", "setup")));
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
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
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> SweepConfig.load(null, List.of(setting)));
        assertTrue(e.getMessage().contains(key), e.getMessage());
        assertTrue(e.getMessage().contains("command line"), e.getMessage());
    }

    @Test
    void rejectsInvalidValueInFileNamingFileAndLine() throws IOException {
        String file = conf("experiment = x\ntraining {\n  epochs = 0\n}\n");
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> SweepConfig.load(file, List.of()));
        assertTrue(e.getMessage().contains("training.epochs") && e.getMessage().contains(file + ": 3"),
                e.getMessage());
    }

    @Test
    void rejectsUnknownKeysInFileAndOnCommandLine() throws IOException {
        String file = conf("training { epoch = 3 }");
        InvalidConfigException inFile = assertThrows(InvalidConfigException.class,
                () -> SweepConfig.load(file, List.of()));
        assertTrue(inFile.getMessage().contains("unknown setting 'training.epoch'")
                && inFile.getMessage().contains(file), inFile.getMessage());
        InvalidConfigException onCommandLine = assertThrows(InvalidConfigException.class,
                () -> SweepConfig.load(null, List.of("model.layers=3")));
        assertTrue(onCommandLine.getMessage().contains("'model.layers'"), onCommandLine.getMessage());
    }

    @Test
    void rejectsMissingAndMalformedFiles() throws IOException {
        InvalidConfigException missing = assertThrows(InvalidConfigException.class,
                () -> SweepConfig.load(dir.resolve("nope.conf").toString(), List.of()));
        assertTrue(missing.getMessage().contains("nope.conf"), missing.getMessage());
        String broken = conf("training { epochs = ");
        InvalidConfigException malformed = assertThrows(InvalidConfigException.class,
                () -> SweepConfig.load(broken, List.of()));
        assertTrue(malformed.getMessage().contains(broken), malformed.getMessage());
    }

    @Test
    void readsTheFileFromAHadoopPath() throws IOException {
        String file = conf("training { epochs = 7 }");
        SweepConfig config = SweepConfig.load(Path.of(file).toUri().toString(), List.of());
        assertEquals(List.of(7), config.training().epochs());
        assertTrue(config.origins().get("training.epochs").contains("file:"), config.origins().get("training.epochs"));
        InvalidConfigException missing = assertThrows(InvalidConfigException.class,
                () -> SweepConfig.load(dir.resolve("gone.conf").toUri().toString(), List.of()));
        assertTrue(missing.getMessage().contains("gone.conf"), missing.getMessage());
    }

    @Test
    void hadoopSettingsGivenToSparkSubmitApplyBeforeSparkStarts() {
        System.setProperty("spark.hadoop.fs.s3a.endpoint", "http://127.0.0.1:9");
        try {
            assertEquals("http://127.0.0.1:9", SweepConfig.hadoopConfiguration().get("fs.s3a.endpoint"));
        } finally {
            System.clearProperty("spark.hadoop.fs.s3a.endpoint");
        }
    }

    @Test
    void rejectsSetWithoutEquals() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> SweepConfig.load(null, List.of("training.epochs")));
        assertTrue(e.getMessage().contains("key=value"), e.getMessage());
    }

    @Test
    void kernelSizesThatFit28PixelImages() {
        assertTrue(SweepConfig.kernelFits(5));
        assertTrue(SweepConfig.kernelFits(3));
        assertTrue(SweepConfig.kernelFits(9));
        assertTrue(!SweepConfig.kernelFits(10));
        assertTrue(!SweepConfig.kernelFits(0));
    }
}
