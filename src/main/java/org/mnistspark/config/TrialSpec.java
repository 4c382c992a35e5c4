package org.mnistspark.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/** One point of the sweep's grid: the hyperparameters of a single trial. */
public record TrialSpec(
        int hiddenChannels,
        int kernelSize,
        double dropout,
        int epochs,
        String optimizer,
        double learningRate,
        double momentum,
        int batchSize,
        int averagingFrequency,
        long seed,
        double trainFraction) {

    /**
     * A stable id: the same hyperparameters in the same experiment, with the same data and setup
     * ({@code setup} names everything else that changes the result), always get the same id.
     */
    public String trialId(String experiment, String setup) {
        String canonical = String.join("\n", experiment, canonical(), setup);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The hyperparameters as one locale-independent line, also used in progress output. */
    public String canonical() {
        return String.format(Locale.ROOT,
                "hidden=%d kernel=%d dropout=%s epochs=%d optimizer=%s lr=%s momentum=%s batch=%d averaging=%d seed=%d fraction=%s",
                hiddenChannels, kernelSize, dropout, epochs, optimizer, learningRate, momentum, batchSize,
                averagingFrequency, seed, trainFraction);
    }
}
