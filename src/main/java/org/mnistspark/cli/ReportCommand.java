package org.mnistspark.cli;

import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.mnistspark.config.SweepConfig;
import org.mnistspark.report.Report;
import org.mnistspark.report.ResultViews;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "report",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Writes one self-contained HTML page about an experiment: the best configuration per "
                    + "experiment, the experiment's trials, test accuracy against hidden channels, learning curves, the "
                    + "best trial's confusion matrix, the test images its model gets wrong, and the table's latest tuning job, as "
                    + "tables and embedded PNG charts (the views of notebooks/results.ipynb). The page is written whole or not at all, to any Hadoop path."
        })
final class ReportCommand extends ConfiguredCommand {
    @Option(
            names = "--output",
            required = true,
            paramLabel = "PATH",
            description = "Where the page goes, any Hadoop path: a folder (the page is PATH/index.html) or a "
                    + "file name ending in .html. An earlier page there is replaced.")
    String output;

    @Option(
            names = "--experiment",
            paramLabel = "NAME",
            description = "The experiment to show; default: the one whose last trial finished last.")
    String experiment;

    ReportCommand(MnistSpark.Context context) {
        super(context, SweepConfig.RESULTS_LOCATION);
    }

    @Override
    public Integer call() throws Exception {
        SweepConfig config = options.load();
        SparkSession spark = context.spark().get();
        String location = config.output().results();
        ResultViews views = ResultViews.of(spark, location);
        List<String> experiments = views.experiments();
        if (experiments.isEmpty()) {
            throw new EmptyTableException(location);
        }
        String shown = experiment != null ? experiment : experiments.get(0);
        if (!experiments.contains(shown)) {
            throw new InvalidArgumentException("the results table " + location + " has no experiment '" + shown
                    + "'; it has " + String.join(", ", experiments));
        }
        Report.checkWritable(output, spark.sparkContext().hadoopConfiguration());
        String html = new Report(views, location, spark.sparkContext().hadoopConfiguration()).html(shown);
        String page = Report.write(html, output, spark.sparkContext().hadoopConfiguration());
        context.out().println("Report of experiment " + shown + " written to " + page);
        return 0;
    }
}
