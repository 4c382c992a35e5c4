package org.mnistspark.tune;

import org.mnistspark.BadInputException;

/**
 * A tuning job whose name the results table already holds for other trials: a grid sweep's experiment, or
 * the same job run with another search. Nothing is trained; the message says what to change. Exit code 2.
 */
final class JobConflictException extends BadInputException {
    private static final long serialVersionUID = 1L;

    JobConflictException(String message) {
        super(message);
    }
}
