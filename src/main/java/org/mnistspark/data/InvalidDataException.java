package org.mnistspark.data;

/** Input data that cannot be used; the message names the file and what is wrong with it. */
public class InvalidDataException extends IllegalArgumentException {
    public InvalidDataException(String message) {
        super(message);
    }

    public InvalidDataException(String message, Throwable cause) {
        super(message, cause);
    }
}
