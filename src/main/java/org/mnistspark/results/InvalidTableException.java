package org.mnistspark.results;

import org.mnistspark.BadInputException;

/** A results location that holds something other than this job's table; the message names it. Exit code 2. */
public class InvalidTableException extends BadInputException {
    private static final long serialVersionUID = 1L;

    public InvalidTableException(String message) {
        super(message);
    }

    public InvalidTableException(String message, Throwable cause) {
        super(message, cause);
    }
}
