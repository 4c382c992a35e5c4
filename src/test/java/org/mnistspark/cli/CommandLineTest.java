package org.mnistspark.cli;

import org.junit.jupiter.api.Test;
import org.mnistspark.config.InvalidConfigException;
import org.mnistspark.config.SweepConfig;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CommandLineTest {
    @Test
    void textOptionsStayTextEvenWhenTheyLookLikeNumbers() {
        CommandLine line = CommandLine.parse(new String[] {"--experiment", "007", "--results", "1e5"});
        SweepConfig config = SweepConfig.load(line.confFile(), line.overrides());
        assertEquals("007", config.experiment());
        assertEquals("1e5", config.output().results());
    }

    @Test
    void namedOptionsBecomeSettings() {
        CommandLine line = CommandLine.parse(new String[] {"--conf", "conf/mnist-sweep.conf", "--epochs", "3",
                "--hidden-channels", "2,5", "--experiment", "my exp/1", "--results", "s3a://b/results",
                "--workers", "4", "--rerun", "--set", "training.learning-rate=0.1"});
        assertEquals("sweep", line.command());
        assertEquals("conf/mnist-sweep.conf", line.confFile());
        SweepConfig config = SweepConfig.load(line.confFile(), line.overrides());
        assertEquals(List.of(3), config.training().epochs());
        assertEquals(List.of(2, 5), config.model().hiddenChannels());
        assertEquals("my exp/1", config.experiment());
        assertEquals("s3a://b/results", config.output().results());
        assertEquals(4, config.data().workers());
        assertTrue(config.output().rerun());
        assertEquals(List.of(0.1), config.training().learningRate());
    }

    @Test
    void queryTakesSql() {
        CommandLine line = CommandLine.parse(new String[] {"query", "--results", "r", "SELECT 1"});
        assertEquals("query", line.command());
        assertEquals("SELECT 1", line.sql());
    }

    @Test
    void stageNeedsATarget() {
        assertEquals("s3a://b/mnist", CommandLine.parse(new String[] {"stage", "--to", "s3a://b/mnist"}).stageTarget());
        assertTrue(assertThrows(InvalidConfigException.class, () -> CommandLine.parse(new String[] {"stage"}))
                .getMessage().contains("stage needs --to"));
        assertTrue(assertThrows(InvalidConfigException.class, () -> CommandLine.parse(new String[] {"--to", "x"}))
                .getMessage().contains("unknown option --to"));
    }

    @Test
    void rejectsUnknownOptionsAndMissingValues() {
        assertTrue(assertThrows(InvalidConfigException.class, () -> CommandLine.parse(new String[] {"--epoch", "3"}))
                .getMessage().contains("unknown option --epoch"));
        assertTrue(assertThrows(InvalidConfigException.class, () -> CommandLine.parse(new String[] {"--epochs"}))
                .getMessage().contains("--epochs needs a value"));
        assertTrue(assertThrows(InvalidConfigException.class,
                () -> CommandLine.parse(new String[] {"--experiment", "--epochs", "2"}))
                .getMessage().contains("--experiment needs a value"), "an option is not a value");
        assertTrue(assertThrows(InvalidConfigException.class, () -> CommandLine.parse(new String[] {"stray"}))
                .getMessage().contains("unexpected argument 'stray'"));
    }

    @Test
    void badConfigurationExitsWithTwoBeforeSparkStarts() {
        assertEquals(2, MnistSpark.run(new String[] {"--set", "model.dropout=1.5"}));
        assertEquals(2, MnistSpark.run(new String[] {"--conf", "no/such/file.conf"}));
        assertEquals(0, MnistSpark.run(new String[] {"--help"}));
    }
}
