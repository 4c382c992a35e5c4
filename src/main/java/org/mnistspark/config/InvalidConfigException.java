package org.mnistspark.config;

/** A setting that is unknown, malformed or out of range; the message names it and where it came from. */
public class InvalidConfigException extends IllegalArgumentException {
    public InvalidConfigException(String message) {
        super(message);
    }

    public InvalidConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
