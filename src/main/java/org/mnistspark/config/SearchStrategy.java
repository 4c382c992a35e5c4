package org.mnistspark.config;

/** How a tuning job searches ({@code search.strategy}); the name is its value in files. */
public enum SearchStrategy {
    /** Every configuration trained to max-epochs. */
    RANDOM,
    /** Asynchronous successive halving: rungs of min-epochs × eta^k, the best 1/eta promoted. */
    ASHA;

    @Override
    public String toString() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
