package org.mnistspark.cli;

import org.mnistspark.config.SweepConfig;
import org.mnistspark.config.TrialSpec;
import org.mnistspark.data.MnistDataset;
import org.mnistspark.data.MnistImages;
import org.mnistspark.model.CnnSpec;
import org.mnistspark.model.NativeRuntime;
import org.mnistspark.storage.Storage;
import org.mnistspark.training.OneJvmTrainer;
import org.mnistspark.training.TrainingProgress;
import org.mnistspark.training.TrainingRun;
import picocli.CommandLine.Command;

@Command(
        name = "baseline",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        usageHelpWidth = 110,
        description = {
            "Trains each configuration of the grid in this JVM with DL4J alone, without Spark, on "
                    + "minibatches of the global batch size, and prints its speed and test accuracy. Writes nothing: "
                    + "it is the compute floor submit/benchmark.sh measures the Spark engines against "
                    + "(set OMP_NUM_THREADS for the threads it uses)."
        })
final class BaselineCommand extends ConfiguredCommand {
    BaselineCommand(MnistSpark.Context context) {
        super(context, SweepConfig.SETTINGS);
    }

    @Override
    public Integer call() throws Exception {
        SweepConfig config = options.load();
        NativeRuntime.configureThread();
        context.out().println(NativeRuntime.describe() + ", OMP_NUM_THREADS=" + System.getenv("OMP_NUM_THREADS"));
        MnistDataset dataset = MnistDataset.load(config.data().dir(), Storage.hadoopConfiguration());
        MnistImages train = dataset.train().first(config.data().trainLimit());
        MnistImages test = dataset.test().first(config.data().testLimit());
        for (TrialSpec spec : config.trials()) {
            context.out().println("baseline, one JVM: " + spec.canonical());
            OneJvmTrainer.train(
                    CnnSpec.of(spec),
                    new TrainingRun(
                            null, // no Spark engine: the whole trial runs in this JVM
                            spec.epochs(),
                            spec.trainFraction(),
                            spec.seed(),
                            1,
                            spec.batchSize(),
                            1,
                            config.normalization().mean(),
                            config.normalization().std()),
                    train,
                    test,
                    config.output().progressEvery(),
                    TrainingProgress.printing(context.out(), "", spec.epochs()));
        }
        return 0;
    }
}
