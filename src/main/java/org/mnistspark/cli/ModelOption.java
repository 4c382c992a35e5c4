package org.mnistspark.cli;

import org.mnistspark.inference.ModelSelection;
import picocli.CommandLine.Option;

/** The {@code --model} option of the commands that use a trained model ({@code predict}, {@code serve}). */
final class ModelOption {
    @Option(
            names = "--model",
            required = true,
            paramLabel = "SELECTOR",
            description = "The model: a run_id, a trial_id (its latest succeeded run), or best:<experiment> "
                    + "(the most accurate succeeded trial, as 'query' prints it).")
    String model;

    /** The parsed selector: checked before Spark starts. */
    ModelSelection selection() {
        return ModelSelection.parse(model);
    }
}
