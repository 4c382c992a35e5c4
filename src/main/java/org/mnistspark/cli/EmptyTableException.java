package org.mnistspark.cli;

import org.mnistspark.FailureException;

/** A results table with no trials, where a command needs some to show; the message names the table. Exit code 1. */
final class EmptyTableException extends FailureException {
    private static final long serialVersionUID = 1L;

    EmptyTableException(String location) {
        super("the results table " + location + " has no trials");
    }
}
