package org.mnistspark.cli;

import org.mnistspark.config.SweepConfig;
import org.mnistspark.inference.BatchPrediction;
import org.mnistspark.inference.ModelSelection;
import org.mnistspark.inference.PredictionSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "predict",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        usageHelpWidth = 110,
        description = {
            "Predicts digits with a trained model as a Spark job and writes a Parquet table: one row per "
                    + "image with its index (or the input's id), predicted_label, probabilities (10 floats), true_label "
                    + "(null when unknown), run_id, trial_id and experiment. The output appears whole or not at all; "
                    + "running again replaces it whole. With labels it prints the accuracy and the confusion matrix.",
            "Exit codes: 0 done, 1 an unreadable model or storage, 2 bad input (selector, columns, pixels)."
        })
final class PredictCommand extends ConfiguredCommand {
    @Mixin
    ModelOption model;

    @Option(
            names = "--images",
            required = true,
            paramLabel = "PATH",
            description = "Any Hadoop path: a folder of IDX files in MNIST's layout (t10k-images-idx3-ubyte, "
                    + "labels optional), one IDX image file, or a Parquet table with one row per image.")
    String images;

    @Option(
            names = "--output",
            required = true,
            paramLabel = "PATH",
            description = "Where the predictions table goes: any Hadoop path. An earlier predict output there "
                    + "is replaced; anything else there is an error.")
    String output;

    @Option(
            names = "--limit",
            paramLabel = "N",
            defaultValue = "0",
            description = "Only the first N images of IDX input (0: all; default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(
            names = "--batch-size",
            paramLabel = "N",
            defaultValue = "" + BatchPrediction.DEFAULT_BATCH,
            description = "Images per forward pass in a task (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(
            names = "--partitions",
            paramLabel = "N",
            defaultValue = "0",
            description = "Tasks: for IDX input 0 means Spark's default parallelism; Parquet input keeps its "
                    + "partitions unless N > 0 (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(
            names = "--id-column",
            paramLabel = "NAME",
            defaultValue = "id",
            description = "Parquet input: the column that identifies each image; the output keeps it "
                    + "(default: ${DEFAULT-VALUE}).")
    String idColumn;

    @Option(
            names = "--pixels-column",
            paramLabel = "NAME",
            defaultValue = "pixels",
            description = "Parquet input: 784 pixels 0-255 row by row, white digit on black, as binary or an "
                    + "array of integers (default: ${DEFAULT-VALUE}).")
    String pixelsColumn;

    @Option(
            names = "--label-column",
            paramLabel = "NAME",
            description = "Parquet input: the true labels 0-9 (default: 'label' if the table has it).")
    String labelColumn;

    PredictCommand(MnistSpark.Context context) {
        super(context, SweepConfig.RESULTS_LOCATION);
    }

    @Override
    public Integer call() throws Exception {
        SweepConfig config = options.load();
        ModelSelection selection = model.selection(); // before Spark starts
        if (limit < 0 || batchSize < 1 || partitions < 0) {
            throw new InvalidArgumentException(
                    "--limit and --partitions must be at least 0 and --batch-size at " + "least 1");
        }
        PredictionSummary summary = new BatchPrediction(
                        context.spark().get(), config.output().results())
                .run(new BatchPrediction.Request(
                        selection, images, output, limit, batchSize, partitions, idColumn, pixelsColumn, labelColumn));
        context.out().print(summary.report());
        return 0;
    }
}
