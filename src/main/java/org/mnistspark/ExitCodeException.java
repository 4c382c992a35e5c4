package org.mnistspark;

/**
 * A failure that carries the command line's exit code: the command line prints {@code error: MESSAGE}, one
 * line without a stack trace, and exits with {@link #exitCode()}. There are two kinds, and an exception
 * says which it is by the one it extends: {@link BadInputException} (2, the user's input is wrong) or
 * {@link FailureException} (1, the input is fine but the work cannot be done). The message is the whole
 * story: it names the setting, file, table or argument at fault.
 */
public abstract sealed class ExitCodeException extends RuntimeException permits BadInputException, FailureException {
    /** The exit code of a command that failed: a trial, the job, or data or storage it needs. */
    public static final int FAILED = 1;
    /** The exit code of bad input: arguments, configuration, or a table or file the user named. */
    public static final int BAD_INPUT = 2;

    private static final long serialVersionUID = 1L;

    ExitCodeException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The process's exit code when this ends a command. */
    public abstract int exitCode();
}
