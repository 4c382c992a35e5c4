package org.mnistspark;

/**
 * Input the user can fix, exit code 2: a command-line argument, a setting, a results table or an input
 * file that is wrong for the command. Retrying the same command line fails the same way.
 */
public abstract non-sealed class BadInputException extends ExitCodeException {
    private static final long serialVersionUID = 1L;

    protected BadInputException(String message) {
        super(message, null);
    }

    protected BadInputException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public final int exitCode() {
        return BAD_INPUT;
    }
}
