/**
 * What every package shares: the failures that carry the command line's exit code. An exception extends
 * {@link org.mnistspark.BadInputException} (exit code 2) or {@link org.mnistspark.FailureException} (1),
 * the two kinds of the sealed {@link org.mnistspark.ExitCodeException}; {@code org.mnistspark.cli.MnistSpark}
 * prints its message as the one {@code error:} line and exits with its code.
 */
package org.mnistspark;
