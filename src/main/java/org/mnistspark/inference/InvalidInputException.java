package org.mnistspark.inference;

import org.mnistspark.BadInputException;

/**
 * Input a user can fix: a bad model selector, a run that does not exist or diverged, an input table
 * without the named column, an image that is not 784 pixels. The message is the whole story, in one
 * line; the command line prints it and exits with code 2, the server answers 400.
 */
public final class InvalidInputException extends BadInputException {
    private static final long serialVersionUID = 1L;

    public InvalidInputException(String message) {
        super(message);
    }

    /** The first InvalidInputException in {@code failure}'s causes (Spark wraps a task's), or null. */
    public static InvalidInputException findIn(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof InvalidInputException invalid) {
                return invalid;
            }
        }
        return null;
    }
}
