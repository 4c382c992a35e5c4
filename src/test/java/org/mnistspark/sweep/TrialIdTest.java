package org.mnistspark.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.mnistspark.config.SweepConfig;
import org.mnistspark.config.TrialSpec;

/**
 * Resuming a sweep finds finished trials by id, so ids must be the same in every JVM and every version.
 * The pinned values are the ids of a default sweep's first trial on MNIST with 2 workers: version 0.1.0's
 * (the dl4j engine, averaging every 5 minibatches) and today's; if this test fails, existing results
 * tables would retrain everything.
 */
class TrialIdTest {
    static final String PINNED = "0faa1000dba28851";
    static final String PINNED_TODAY = "d2bd2dc7aded15eb";

    static String mnistDataKey() {
        TreeMap<String, String> sums = new TreeMap<>();
        sums.put("train-labels-idx1-ubyte", "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5");
        sums.put("t10k-labels-idx1-ubyte", "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2");
        sums.put("train-images-idx3-ubyte", "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db");
        sums.put("t10k-images-idx3-ubyte", "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7");
        return TrialIdentity.dataKey(sums, 60_000, 10_000, 0.1307, 0.3081);
    }

    /** Rows written before the engine was a setting were trained with dl4j: they keep their ids. */
    @Test
    void version1DefaultSweepsFirstTrialKeepsItsId() {
        TrialSpec first = SweepConfig.load(null, List.of("training.engine=dl4j", "training.averaging-frequency=5"))
                .trials()
                .get(0);
        assertThat(first.canonical()).doesNotContain("engine");
        assertThat(TrialIdentity.trialId("mnist-cnn", first, TrialIdentity.setup(mnistDataKey(), 2, 32)))
                .isEqualTo(PINNED);
    }

    @Test
    void todaysDefaultSweepsFirstTrialKeepsItsIdAndNamesItsEngine() {
        TrialSpec first = SweepConfig.load(null, List.of()).trials().get(0);
        assertThat(first.canonical()).endsWith(" engine=persistent");
        assertThat(TrialIdentity.trialId("mnist-cnn", first, TrialIdentity.setup(mnistDataKey(), 2, 32)))
                .isEqualTo(PINNED_TODAY);
    }

    @Test
    void theIdDependsOnEverythingThatChangesTheResult() {
        TrialSpec spec = SweepConfig.load(null, List.of()).trials().get(0);
        TrialSpec otherLr = SweepConfig.load(null, List.of("training.learning-rate=0.02"))
                .trials()
                .get(0);
        String setup = TrialIdentity.setup(mnistDataKey(), 2, 32);
        String id = TrialIdentity.trialId("e", spec, setup);
        assertThat(TrialIdentity.trialId(
                        "e", SweepConfig.load(null, List.of()).trials().get(0), setup))
                .isEqualTo(id);
        assertThat(List.of(
                        TrialIdentity.trialId("f", spec, setup),
                        TrialIdentity.trialId("e", spec, TrialIdentity.setup(mnistDataKey(), 4, 16)),
                        TrialIdentity.trialId("e", otherLr, setup)))
                .doesNotContain(id)
                .doesNotHaveDuplicates();
    }
}
