package org.mnistspark.cli;

import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.mnistspark.config.SweepConfig;
import org.mnistspark.results.ResultsTable;
import org.mnistspark.results.TablePrinter;
import org.mnistspark.results.Views;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
        name = "query",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Runs Spark SQL over the results table (views: trials, epochs) and prints the result.",
            "Without SQL it prints the best configuration per experiment."
        })
final class QueryCommand extends ConfiguredCommand {
    @Parameters(
            arity = "0..1",
            paramLabel = "SQL",
            description = "The query; default: the best configuration per experiment.")
    String sql;

    QueryCommand(MnistSpark.Context context) {
        super(context, SweepConfig.RESULTS_LOCATION);
    }

    @Override
    public Integer call() throws Exception {
        SweepConfig config = options.load();
        SparkSession spark = context.spark().get();
        new ResultsTable(spark, config.output().results()).registerViews();
        Dataset<Row> rows;
        try {
            rows = spark.sql(sql != null ? sql : Views.BEST_PER_EXPERIMENT);
        } catch (Exception e) {
            if (!(e instanceof AnalysisException bad)) { // a Scala exception javac does not see declared
                throw e;
            }
            // A mistyped query is bad input: one line, not Spark's plan and stack trace.
            throw new InvalidArgumentException("the query failed: " + bad.getSimpleMessage());
        }
        context.out().print(TablePrinter.format(rows, 10_000));
        return 0;
    }
}
