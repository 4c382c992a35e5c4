package org.mnistspark.cli;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.mnistspark.config.InvalidConfigException;
import org.mnistspark.config.SweepConfig;
import org.mnistspark.data.InvalidDataException;
import org.mnistspark.data.MnistStaging;
import org.mnistspark.model.NativeRuntime;
import org.mnistspark.results.ResultsTable;
import org.mnistspark.results.TablePrinter;
import org.mnistspark.sweep.Sweep;
import org.mnistspark.sweep.SweepResult;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.PrintStream;

/**
 * The job's entry point, for spark-submit and for submit/local.sh.
 *
 * <p>Like Spark's own examples, it sets only the application name: the master, executors and memory
 * come from spark-submit (or {@code -Dspark.master} for the embedded local run). It also asks for Kryo
 * with ND4J's registrator unless told otherwise, because ND4J arrays do not survive Spark's Java
 * serialization efficiently.
 *
 * <p>Exit codes: 0 success, 1 a trial or the job failed, 2 bad arguments or configuration.
 */
public final class MnistSpark {
    public static final String APP_NAME = "mnist-spark";

    /** Best configuration per experiment: the query README.md shows. */
    static final String BEST_PER_EXPERIMENT = """
            SELECT experiment, trial_id, hidden_channels, kernel_size, dropout, learning_rate, epochs,
                   test_accuracy_last, test_correct_last, test_images, test_loss_last, train_seconds
            FROM (SELECT *, row_number() OVER (PARTITION BY experiment
                                               ORDER BY test_accuracy_last DESC, test_loss_last) AS rank
                  FROM trials WHERE status = 'succeeded')
            WHERE rank = 1 ORDER BY experiment""";

    private MnistSpark() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        CommandLine commandLine;
        SweepConfig config;
        try {
            commandLine = CommandLine.parse(args);
            if (commandLine.command().equals("help")) {
                System.out.print(CommandLine.USAGE);
                return 0;
            }
            config = SweepConfig.load(commandLine.confFile(), commandLine.overrides());
        } catch (InvalidConfigException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
        NativeRuntime.configure();
        SparkConf sparkConf = new SparkConf()
                .setAppName(APP_NAME)
                .setIfMissing("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
                .setIfMissing("spark.kryo.registrator", "org.nd4j.kryo.Nd4jRegistrator");
        SparkSession spark = SparkSession.builder().config(sparkConf).getOrCreate();
        try {
            return execute(commandLine, config, spark, System.out);
        } finally {
            spark.stop();
        }
    }

    /** Runs a parsed command on a running Spark session, which it leaves running. */
    static int execute(CommandLine commandLine, SweepConfig config, SparkSession spark, PrintStream out) {
        try {
            if (commandLine.command().equals("stage")) {
                String staged = MnistStaging.stage(config.data().dir(), commandLine.stageTarget(),
                        spark.sparkContext().hadoopConfiguration());
                out.println("MNIST staged to " + staged + " (SHA-256 verified); use it with --data " + staged);
                return 0;
            }
            if (commandLine.command().equals("query")) {
                ResultsTable table = new ResultsTable(spark, config.output().results());
                table.registerViews();
                String sql = commandLine.sql() != null ? commandLine.sql() : BEST_PER_EXPERIMENT;
                Dataset<Row> rows;
                try {
                    rows = spark.sql(sql);
                } catch (Exception e) {
                    if (!(e instanceof AnalysisException bad)) { // a Scala exception javac does not see declared
                        throw e;
                    }
                    // A mistyped query is bad input: one line, not Spark's plan and stack trace.
                    System.err.println("error: the query failed: " + bad.getSimpleMessage());
                    return 2;
                }
                out.print(TablePrinter.format(rows, 10_000));
                return 0;
            }
            SweepResult result = new Sweep(spark, config, out).run();
            return result.succeeded() ? 0 : 1;
        } catch (InvalidDataException | FileNotFoundException e) {
            System.err.println("error: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            // Unreachable or unreadable storage: the message names the path; the trace is for --verbose users.
            System.err.println("error: cannot read or write " + e.getMessage()
                    + (Boolean.getBoolean("mnistspark.verbose") ? "" : " (stack trace: -Dmnistspark.verbose=true)"));
            if (Boolean.getBoolean("mnistspark.verbose")) {
                e.printStackTrace();
            }
            return 1;
        } catch (Exception e) {
            System.err.println("error: " + e);
            e.printStackTrace();
            return 1;
        }
    }
}
