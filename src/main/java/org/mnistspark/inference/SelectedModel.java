package org.mnistspark.inference;

/**
 * The trial run whose model predicts, as its row in the {@code trials} table states it: where the model
 * is, the normalization it was trained with, and what it scored on its own test images. Driver side only.
 */
public record SelectedModel(
        String experiment,
        String trialId,
        String runId,
        String modelPath,
        double normalizationMean,
        double normalizationStd,
        long testCorrectLast,
        long testImages) {

    /** For the console: "run R (trial T of experiment E)". */
    public String describe() {
        return "run " + runId + " (trial " + trialId + " of experiment " + experiment + ")";
    }
}
