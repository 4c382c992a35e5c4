package org.mnistspark.config;

import org.mnistspark.BadInputException;

/** A setting that is unknown, malformed or out of range; the message names it and where it came from. Exit code 2. */
public class InvalidConfigException extends BadInputException {
    private static final long serialVersionUID = 1L;

    public InvalidConfigException(String message) {
        super(message);
    }

    public InvalidConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
