package org.mnistspark.data;

import org.mnistspark.FailureException;

/**
 * Data that cannot be used (an MNIST file that is truncated or not the expected one, a model zip that is no
 * DL4J model); the message names the file and what is wrong with it. Exit code 1.
 */
public class InvalidDataException extends FailureException {
    private static final long serialVersionUID = 1L;

    public InvalidDataException(String message) {
        super(message);
    }

    public InvalidDataException(String message, Throwable cause) {
        super(message, cause);
    }
}
