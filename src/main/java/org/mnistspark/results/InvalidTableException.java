package org.mnistspark.results;

/** A results location that holds something other than this job's table; the message names it. */
public class InvalidTableException extends IllegalArgumentException {
    public InvalidTableException(String message) {
        super(message);
    }

    public InvalidTableException(String message, Throwable cause) {
        super(message, cause);
    }
}
