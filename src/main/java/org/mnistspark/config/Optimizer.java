package org.mnistspark.config;

/** How a trial's network updates its weights ({@code training.optimizer}); the name is its value in files and rows. */
public enum Optimizer {
    /** PyTorch's SGD with momentum, the seed project's. */
    SGD,
    /** Nesterov momentum. */
    NESTEROV,
    /** Adam; it ignores momentum. */
    ADAM;

    /** The value in configuration files, trial ids and the results table. */
    @Override
    public String toString() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
