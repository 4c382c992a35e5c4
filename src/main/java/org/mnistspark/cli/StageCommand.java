package org.mnistspark.cli;

import org.mnistspark.config.SweepConfig;
import org.mnistspark.data.MnistStaging;
import org.mnistspark.storage.Storage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "stage",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Copies the MNIST files of --data, SHA-256 verified before and after, to another Hadoop "
                + "path (for example s3a://bucket/mnist) for clusters to read. Needs no Spark.")
final class StageCommand extends ConfiguredCommand {
    @Option(
            names = "--to",
            required = true,
            paramLabel = "PATH",
            description = "Where to copy the files: any Hadoop path.")
    String target;

    StageCommand(MnistSpark.Context context) {
        super(context, SweepConfig.DATA_LOCATION);
    }

    @Override
    public Integer call() throws Exception {
        SweepConfig config = options.load();
        String staged = MnistStaging.stage(config.data().dir(), target, Storage.hadoopConfiguration());
        context.out().println("MNIST staged to " + staged + " (SHA-256 verified); use it with --data " + staged);
        return 0;
    }
}
