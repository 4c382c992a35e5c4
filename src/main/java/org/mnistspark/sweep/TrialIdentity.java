package org.mnistspark.sweep;

import java.util.Map;
import org.mnistspark.config.TrialSpec;
import org.mnistspark.storage.Sha256;

/**
 * How a trial is known: the same hyperparameters in the same experiment, with the same data and setup,
 * always get the same id, in every JVM and version, so that a sweep run again finds its finished
 * trials. Changing anything here retrains every table's trials (TrialIdTest pins one id).
 */
final class TrialIdentity {
    private TrialIdentity() {}

    /** The data a trial sees: file sums (in file-name order), image counts and normalization. */
    static String dataKey(Map<String, String> sha256, int trainImages, int testImages, double mean, double std) {
        return String.join(",", sha256.values()) + "|train=" + trainImages + "|test=" + testImages + "|mean=" + mean
                + "|std=" + std;
    }

    /** Everything besides the hyperparameters that changes a trial's result. */
    static String setup(String dataKey, int workers, int batchSizePerWorker) {
        return dataKey + "|workers=" + workers + "|perWorker=" + batchSizePerWorker;
    }

    static String trialId(String experiment, TrialSpec spec, String setup) {
        return Sha256.shortHex(String.join("\n", experiment, spec.canonical(), setup));
    }
}
