package org.mnistspark.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The search block of a tuning job: its parsing, its checks, its rungs and its seeded proposals. No Spark. */
class TuneConfigTest {
    @TempDir
    Path dir;

    static final String SEARCH = """
            experiment = tune-test
            training.optimizer = adam
            search {
              seed = 7
              trials = 12
              min-epochs = 1
              max-epochs = 9
              space {
                model.hidden-channels { int-uniform = [8, 32] }
                model.dropout { choice = [0.0, 0.1, 0.2] }
                training.learning-rate { log-uniform = [0.0005, 0.005] }
                training.momentum { uniform = [0.5, 0.9] }
              }
            }
            """;

    private String conf(String text) throws IOException {
        Path file = dir.resolve("tune.conf");
        Files.writeString(file, text);
        return file.toString();
    }

    private TuneConfig load(String text, String... overrides) throws IOException {
        return TuneConfig.load(conf(text), List.of(overrides));
    }

    @Test
    void theSameSeedProposesTheSameConfigurationsAndAnotherSeedOthers() throws IOException {
        TuneConfig first = load(SEARCH);
        TuneConfig again = load(SEARCH);
        TuneConfig other = load(SEARCH, "search.seed=8");
        assertThat(first.proposals()).hasSize(12).doesNotHaveDuplicates().isEqualTo(again.proposals());
        assertThat(other.proposals()).hasSize(12).isNotEqualTo(first.proposals());
        assertThat(load(SEARCH, "search.trials=20").proposals())
                .as("more trials extend the same sequence")
                .startsWith(first.proposals().toArray(TrialSpec[]::new));
        for (TrialSpec spec : first.proposals()) {
            assertThat(spec.hiddenChannels()).isBetween(8, 32);
            assertThat(spec.dropout()).isIn(0.0, 0.1, 0.2);
            assertThat(spec.learningRate()).isBetween(0.0005, 0.005);
            assertThat(Double.toString(spec.learningRate())
                            .replaceAll("^0\\.0*|E.*$|\\.", "")
                            .length())
                    .as("4 significant digits: " + spec.learningRate())
                    .isLessThanOrEqualTo(4);
            assertThat(spec.optimizer()).isEqualTo(Optimizer.ADAM);
            assertThat(spec.momentum())
                    .as("adam ignores momentum and records the distribution's first value")
                    .isEqualTo(0.5);
            assertThat(spec.epochs()).as("the first rung's").isEqualTo(1);
            assertThat(spec.kernelSize()).as("a fixed grid key").isEqualTo(5);
        }
        assertThat(first.proposals())
                .extracting(TrialSpec::hiddenChannels)
                .as("values are drawn, not constant")
                .hasSizeGreaterThan(1)
                .doesNotContainNull();
        assertThat(first.proposals().stream()
                        .map(TrialSpec::hiddenChannels)
                        .distinct()
                        .count())
                .isGreaterThan(3);
        assertThat(first.proposals().stream().map(TrialSpec::dropout).distinct().count())
                .isEqualTo(3);
    }

    /** The configurations a search proposes decide whether a worker prefetch is used: their engines may be drawn. */
    @Test
    void aWorkerPrefetchIsRefusedUnlessAProposedConfigurationTrainsOnTheDl4jEngine() throws IOException {
        assertThatThrownBy(() -> load(SEARCH, "training.worker-prefetch=2"))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("training.worker-prefetch = 2  (command line)")
                .hasMessageContaining("no configuration the search proposes uses it (all train on persistent)");
        TuneConfig drawn =
                load(SEARCH, "training.worker-prefetch=2", "search.space.training.engine.choice=[dl4j,persistent]");
        assertThat(drawn.proposals())
                .extracting(TrialSpec::engine)
                .contains(TrainingEngine.DL4J, TrainingEngine.PERSISTENT);
        assertThat(drawn.sweep().training().workerPrefetch(TrainingEngine.DL4J)).isEqualTo(2);
        assertThat(load(SEARCH, "training.worker-prefetch=2", "training.engine=dl4j")
                        .proposals())
                .extracting(TrialSpec::engine)
                .containsOnly(TrainingEngine.DL4J);
    }

    @Test
    void drawsMomentumForOptimizersThatUseIt() throws IOException {
        TuneConfig config = load(SEARCH, "training.optimizer=sgd");
        assertThat(config.proposals()).allSatisfy(s -> assertThat(s.momentum()).isBetween(0.5, 0.9));
        assertThat(config.proposals().stream()
                        .map(TrialSpec::momentum)
                        .distinct()
                        .count())
                .isGreaterThan(3);
    }

    @Test
    void gridKeysTheSpaceDoesNotNameKeepTheirValuesAndAListIsAChoice() throws IOException {
        TuneConfig config = load(SEARCH, "model.kernel-size=[3,5]", "training.batch-size=32");
        assertThat(config.search().space().get("model.kernel-size")).isEqualTo(new Distribution.Choice(List.of(3, 5)));
        assertThat(config.search().space().get("training.batch-size")).isEqualTo(new Distribution.Fixed(32));
        assertThat(config.search().space()).doesNotContainKey("training.epochs");
        assertThat(config.search().drawnKeys())
                .contains("model.kernel-size", "model.hidden-channels")
                .doesNotContain("training.batch-size");
        assertThat(config.proposals()).extracting(TrialSpec::kernelSize).contains(3, 5);
        assertThat(config.proposals()).allMatch(s -> s.batchSize() == 32);
    }

    @Test
    void theSpaceIsReadWithOriginsAndTheCommandLineReplacesAKeysDistribution() throws IOException {
        TuneConfig config = load(SEARCH, "search.space.model.dropout.uniform=[0.0, 0.3]", "search.eta=2");
        assertThat(config.search().space().get("model.dropout")).isEqualTo(new Distribution.Uniform(0.0, 0.3));
        assertThat(config.search().space().get("model.hidden-channels")).isEqualTo(new Distribution.IntUniform(8, 32));
        assertThat(config.search().space().get("training.learning-rate"))
                .isEqualTo(new Distribution.LogUniform(0.0005, 0.005));
        assertThat(config.origins().get("search.space.model.dropout.uniform")).contains("command line");
        assertThat(config.origins().get("search.space.model.hidden-channels.int-uniform"))
                .contains("int-uniform [8, 32]")
                .contains("tune.conf: 9");
        assertThat(config.origins().get("search.eta")).contains("command line");
        assertThat(config.origins().get("search.seed")).contains("tune.conf");
        assertThat(config.describe()).contains("search.space.training.learning-rate.log-uniform");
    }

    @Test
    void rungsGrowByEtaUpToMaxEpochs() throws IOException {
        assertThat(load(SEARCH).rungs()).containsExactly(1, 3, 9);
        assertThat(load(SEARCH, "search.max-epochs=10").rungs()).containsExactly(1, 3, 9, 10);
        assertThat(load(SEARCH, "search.min-epochs=2", "search.max-epochs=8", "search.eta=2")
                        .rungs())
                .containsExactly(2, 4, 8);
        assertThat(load(SEARCH, "search.min-epochs=9").rungs()).containsExactly(9);
        assertThat(load(SEARCH, "search.strategy=random").rungs())
                .as("random: one rung of max-epochs")
                .containsExactly(9);
        assertThat(load(SEARCH, "search.strategy=random", "search.max-epochs=2").proposals())
                .allMatch(s -> s.epochs() == 2);
    }

    @Test
    void aSmallChoiceSpaceProposesEachConfigurationOnce() throws IOException {
        TuneConfig config = load("""
                experiment = small
                search { trials = 50, space { model.hidden-channels { choice = [2, 5] }, model.dropout { choice = [0.0, 0.2] } } }
                """);
        assertThat(config.proposals()).hasSize(4).doesNotHaveDuplicates();
    }

    @Test
    void theExampleSearchHoldsTheHandFoundPointAndStaysWithinSixtyEpochs() {
        TuneConfig config = TuneConfig.load("conf/tune.conf", List.of());
        Distribution hidden = config.search().space().get("model.hidden-channels");
        Distribution rate = config.search().space().get("training.learning-rate");
        Distribution dropout = config.search().space().get("model.dropout");
        assertThat(config.search().space().get("training.optimizer").describe()).contains("adam");
        assertThat(contains(hidden, 32)).as(hidden.describe()).isTrue();
        assertThat(contains(rate, 0.002)).as(rate.describe()).isTrue();
        assertThat(contains(dropout, 0.0)).as(dropout.describe()).isTrue();
        // ASHA's budget: every configuration trains the first rung, and ⌊n/η⌋ of a rung's n go on.
        List<Integer> rungs = config.rungs();
        int n = config.proposals().size();
        int epochs = n * rungs.get(0);
        for (int k = 1; k < rungs.size(); k++) {
            n /= config.search().eta();
            epochs += n * (rungs.get(k) - rungs.get(k - 1));
        }
        assertThat(epochs).as("epochs the example trains at most").isLessThanOrEqualTo(60);
        assertThat(config.job()).isNotEqualTo(SweepConfig.load(null, List.of()).experiment());
    }

    private static boolean contains(Distribution d, double value) {
        if (d instanceof Distribution.Choice c) {
            return c.values().stream().anyMatch(v -> ((Number) v).doubleValue() == value);
        }
        if (d instanceof Distribution.Uniform u) {
            return u.low() <= value && value <= u.high();
        }
        if (d instanceof Distribution.LogUniform u) {
            return u.low() <= value && value <= u.high();
        }
        if (d instanceof Distribution.IntUniform u) {
            return u.low() <= value && value <= u.high();
        }
        return ((Number) ((Distribution.Fixed) d).value()).doubleValue() == value;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "search.colour=blue | search.colour",
                "search.space.model.layers.choice=[1,2] | search.space.model.layers.choice",
                "search.space.data.train-limit.choice=[100] | data.train-limit is not a grid key",
                "search.space.training.epochs.choice=[1,2] | search.min-epochs",
                "search.space.model.dropout.normal=[0,1] | unknown distribution 'normal'",
                "search.space.model.dropout=[0.1,0.2] | search.space.model.dropout",
                "search.space.training.learning-rate.log-uniform=[0.1,0.01] | search.space.training.learning-rate.log-uniform",
                "search.space.model.dropout.uniform=[0.3,0.1] | low 0.3 is above high 0.1",
                "search.space.model.dropout.log-uniform=[0,0.3] | log-uniform needs bounds above 0",
                "search.space.training.momentum.log-uniform=[-0.5,0.9] | search.space.training.momentum.log-uniform",
                "search.space.model.dropout.uniform=[0,1.5] | high 1.5: must be in [0, 1)",
                "search.space.model.hidden-channels.uniform=[8,32] | use int-uniform or choice",
                "search.space.model.dropout.int-uniform=[0,1] | use uniform, log-uniform or choice",
                "search.space.training.optimizer.uniform=[0,1] | training.optimizer takes a string",
                "search.space.model.kernel-size.int-uniform=[3,12] | high 12: must be between 1 and 9",
                "search.space.model.hidden-channels.int-uniform=[8] | expected two bounds",
                "search.space.training.optimizer.choice=[adam,rmsprop] | must be sgd, nesterov or adam",
                "search.space.model.dropout.choice=[] | the grid is empty",
                "search.eta=1 | search.eta",
                "search.min-epochs=5 | search.min-epochs = 5  (command line): more than search.max-epochs = 3",
                "search.strategy=grid | must be random or asha",
                "search.trials=0 | search.trials",
                "search.space=5 | search.space",
                "experiment=mnist-cnn | no error: a named job",
            })
    void badSearchBlocksAreRejectedNamingTheKey(String setting, String named) throws IOException {
        String base = "experiment = bad-blocks\nsearch { max-epochs = 3 }\n";
        if (named.startsWith("no error")) {
            assertThat(load(base, setting).proposals()).isNotEmpty();
            return;
        }
        assertThatThrownBy(() -> load(base, setting))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining(named);
    }

    @Test
    void aDistributionDeclaredInTheFileNamesTheFileAndLine() throws IOException {
        assertThatThrownBy(() -> load("experiment = x\nsearch.space {\n  model.dropout { uniform = [0.5, 0.2] }\n}\n"))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("search.space.model.dropout.uniform")
                .hasMessageContaining("tune.conf: 3");
        assertThatThrownBy(() ->
                        load("experiment = x\nsearch.space.model.dropout { uniform = [0.1, 0.2], choice = [0] }\n"))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("one distribution per key");
    }

    @Test
    void aTuningJobIsNamedResumableAndKeepsModelsToGoOnFrom() throws IOException {
        assertThatThrownBy(() -> TuneConfig.load(null, List.of()))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("experiment = mnist-cnn")
                .hasMessageContaining("name the tuning job");
        assertThatThrownBy(() -> load(SEARCH, "output.rerun=true"))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("output.rerun");
        assertThatThrownBy(() -> load(SEARCH, "output.models=\"\""))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("output.models");
        assertThat(load(SEARCH, "output.models=\"\"", "search.strategy=random").rungs())
                .as("random needs no models")
                .containsExactly(9);
        assertThatThrownBy(() -> load(
                        SEARCH, "training.batch-size-per-worker=16", "search.space.training.batch-size.choice=[32,64]"))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("search.space.training.batch-size");
        assertThat(load(SEARCH, "training.epochs=4").warnings()).anyMatch(w -> w.contains("training.epochs"));
    }

    @Test
    void theSweepRejectsASearchBlockPointingToTune() {
        List<String> overrides = new ArrayList<>(List.of("search.seed=3"));
        assertThatThrownBy(() -> SweepConfig.load(null, overrides))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("search.seed")
                .hasMessageContaining("tune");
    }
}
