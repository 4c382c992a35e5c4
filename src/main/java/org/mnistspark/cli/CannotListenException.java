package org.mnistspark.cli;

import java.net.BindException;
import org.mnistspark.FailureException;

/** A server that cannot listen on its address: the port is taken, or needs privileges. Exit code 1. */
final class CannotListenException extends FailureException {
    private static final long serialVersionUID = 1L;

    CannotListenException(String host, int port, BindException cause) {
        super("cannot listen on " + host + ":" + port + ": " + cause.getMessage(), cause);
    }
}
