package org.mnistspark.cli;

import org.mnistspark.BadInputException;

/**
 * A command-line argument that parses but that the command rejects: a number out of range, an age or
 * address it cannot read, an experiment the table does not hold, SQL that Spark cannot analyze. Exit code
 * 2. (What picocli itself rejects, an unknown option or a missing value, never gets this far.)
 */
final class InvalidArgumentException extends BadInputException {
    private static final long serialVersionUID = 1L;

    InvalidArgumentException(String message) {
        super(message);
    }
}
