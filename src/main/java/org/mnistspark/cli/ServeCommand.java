package org.mnistspark.cli;

import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.mnistspark.config.SweepConfig;
import org.mnistspark.inference.DigitModel;
import org.mnistspark.inference.ModelFile;
import org.mnistspark.inference.ModelSelection;
import org.mnistspark.inference.PredictionServer;
import org.mnistspark.inference.SelectedModel;
import org.mnistspark.results.ResultsTable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        usageHelpWidth = 110,
        description = {
            "Serves a trained model over HTTP, as a SageMaker inference container does: GET /ping, and "
                    + "POST /invocations with a PNG of a digit (any size) or JSON {\"pixels\": [784 numbers 0-255]}, "
                    + "answered with JSON {\"label\": ..., \"probabilities\": [10 numbers]}; or a batch: JSON "
                    + "{\"instances\": [[784 numbers], ...]}, application/x-npy (N x 28 x 28 or N x 784) or text/csv (an "
                    + "image a line), answered with a prediction per image (Accept: text/csv for CSV). Requests that "
                    + "arrive together share a forward pass. GET / is a page to draw a digit on. Runs until stopped "
                    + "(Ctrl-C).",
            "Exit codes: 1 an unreadable model or a port in use, 2 bad input (selector, run)."
        })
final class ServeCommand extends ConfiguredCommand {
    @Mixin
    ModelOption model;

    @Option(
            names = "--host",
            paramLabel = "ADDRESS",
            defaultValue = "127.0.0.1",
            description = "The address to listen on (default: ${DEFAULT-VALUE}, this machine only; 0.0.0.0 for "
                    + "every interface, as a container needs).")
    String host;

    @Option(
            names = "--port",
            paramLabel = "PORT",
            defaultValue = "8080",
            description = "The port; SageMaker's is 8080 (default: ${DEFAULT-VALUE}; 0: any free port).")
    int port;

    @Option(
            names = "--threads",
            paramLabel = "N",
            defaultValue = "0",
            description = "Request threads, which also run the forward passes (default: 0, one per processor).")
    int threads;

    @Option(
            names = "--batch-wait-ms",
            paramLabel = "MS",
            defaultValue = "2",
            description = "How long a request may wait for others being read to share its forward pass (default: "
                    + "${DEFAULT-VALUE}; 0: only those already waiting).")
    int batchWaitMs;

    ServeCommand(MnistSpark.Context context) {
        super(context, SweepConfig.RESULTS_LOCATION);
    }

    @Override
    public Integer call() throws Exception {
        SweepConfig config = options.load();
        ModelSelection selection = model.selection(); // before Spark starts
        if (port < 0 || port > 65535 || threads < 0 || batchWaitMs < 0) {
            throw new InvalidArgumentException("--port must be 0-65535, --threads and --batch-wait-ms at least 0");
        }
        SparkSession spark = context.spark().get();
        SelectedModel selected =
                selection.resolve(new ResultsTable(spark, config.output().results()));
        DigitModel digits = ModelFile.load(selected, spark.sparkContext().hadoopConfiguration());
        System.setProperty("java.awt.headless", "true"); // images are decoded, never shown
        int requestThreads = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        CountDownLatch stopped = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        PredictionServer started;
        try {
            started = PredictionServer.start(
                    digits, selected, host, port, requestThreads, Duration.ofMillis(batchWaitMs));
        } catch (BindException e) {
            throw new CannotListenException(host, port, e);
        } catch (UnknownHostException e) {
            throw new InvalidArgumentException("--host " + host + " is not an address of this machine");
        }
        try (PredictionServer server = started) {
            InetSocketAddress address = server.address();
            Thread hook = new Thread(
                    () -> { // SIGTERM (a container stopped) or Ctrl-C: finish what is in flight
                        stopped.countDown();
                        try {
                            closed.await(5, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    },
                    "serve-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            context.out()
                    .println("serving " + selected.describe() + ", " + digits.hiddenChannels()
                            + " hidden channels, on http://" + address.getHostString() + ":" + address.getPort()
                            + "/ (POST /invocations, GET /ping; " + requestThreads
                            + " request threads); Ctrl-C stops it");
            context.out().println("batching: " + server.describe());
            try {
                stopped.await();
            } catch (InterruptedException e) { // the way an embedding program (or a test) stops it
                Thread.currentThread().interrupt();
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the JVM is exiting: the hook ran
                }
            }
        } finally {
            closed.countDown();
        }
        context.out().println("stopped serving");
        return 0;
    }
}
