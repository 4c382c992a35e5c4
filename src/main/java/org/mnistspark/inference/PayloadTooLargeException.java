package org.mnistspark.inference;

/** A request larger than the server takes (a body over its size limit, a batch of too many images): 413. */
final class PayloadTooLargeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    PayloadTooLargeException(String message) {
        super(message);
    }
}
