package org.mnistspark;

/**
 * A command that cannot do its work although its input is well formed, exit code 1: data that is damaged,
 * a results table with nothing to show, a port already taken.
 */
public abstract non-sealed class FailureException extends ExitCodeException {
    private static final long serialVersionUID = 1L;

    protected FailureException(String message) {
        super(message, null);
    }

    protected FailureException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public final int exitCode() {
        return FAILED;
    }
}
