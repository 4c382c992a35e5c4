package org.mnistspark.cli;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;
import org.mnistspark.ExitCodeException;
import org.mnistspark.model.NativeRuntime;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The job's entry point, for spark-submit and submit/local.sh: {@code mnist-spark [sweep|query|stage] ...}.
 * Without a command (or with options only) it runs the sweep.
 *
 * <p>Like Spark's own examples, it sets only the application name: the master, executors, memory and
 * every other Spark setting come from spark-submit ({@code submit/spark-job.conf}).
 *
 * <p>Exit codes: 0 success, 1 a trial or the job failed, 2 bad arguments or configuration. A command
 * returns 0, or 1 when trials failed; it prints no {@code error:} line itself. Every other failure is an
 * exception, and this class alone reports it: picocli's parse errors are 2; an {@link ExitCodeException}
 * carries its own code; the rest are 1 (see {@link #report}).
 */
@Command(
        name = "mnist-spark",
        mixinStandardHelpOptions = true,
        versionProvider = MnistSpark.Version.class,
        description = "Trains the MNIST CNN with Spark and DL4J's parameter averaging over a grid of "
                + "hyperparameters, and queries the Parquet results table.",
        footer = {
            "",
            "Without a command, or with options only, it runs the sweep. Each command's options: "
                    + "mnist-spark COMMAND --help."
        },
        subcommands = {
            SweepCommand.class,
            QueryCommand.class,
            StageCommand.class,
            BaselineCommand.class,
            VacuumCommand.class,
            TuneCommand.class,
            PredictCommand.class,
            ServeCommand.class,
            ReportCommand.class,
            RoundCostCommand.class,
            SettingsCommand.class
        })
public final class MnistSpark {
    public static final String APP_NAME = "mnist-spark";
    static final int FAILED = ExitCodeException.FAILED;
    static final int BAD_INPUT = ExitCodeException.BAD_INPUT;
    /** The subcommands' names, from their @Command annotations. */
    private static final List<String> COMMANDS = Arrays.stream(
                    MnistSpark.class.getAnnotation(Command.class).subcommands())
            .map(type -> type.getAnnotation(Command.class).name())
            .toList();

    /** What a command runs with: Spark when it needs it, and where it prints. */
    record Context(Supplier<SparkSession> spark, PrintStream out, PrintStream err) {}

    public static void main(String[] args) {
        SparkSession[] started = new SparkSession[1];
        Supplier<SparkSession> spark = () -> {
            if (started[0] == null) {
                NativeRuntime.configure(); // before anything loads ND4J in this JVM
                started[0] = SparkSession.builder().appName(APP_NAME).getOrCreate();
            }
            return started[0];
        };
        int exitCode;
        try {
            exitCode = run(args, new Context(spark, System.out, System.err));
        } finally {
            if (started[0] != null) {
                started[0].stop();
            }
        }
        // In YARN's cluster deploy mode this runs inside the ApplicationMaster (a container: YARN sets
        // CONTAINER_ID), which reports the application's final status once main returns; System.exit(0)
        // would end the JVM first and leave the application FAILED ("Shutdown hook called before final
        // status was reported"). A failure still exits with its code, which YARN reports as failed.
        if (exitCode == 0 && System.getenv("CONTAINER_ID") != null) {
            return;
        }
        System.exit(exitCode);
    }

    /** Parses and runs one command; returns its exit code. The Spark session is not stopped. */
    static int run(String[] args, Context context) {
        return commandLine(context).execute(withCommand(args));
    }

    /** The command line with every subcommand and its options, reporting to the context's streams. */
    static CommandLine commandLine(Context context) {
        CommandLine commandLine = new CommandLine(MnistSpark.class, new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> type) throws Exception {
                try {
                    return type.getDeclaredConstructor(Context.class).newInstance(context);
                } catch (NoSuchMethodException noContext) {
                    return CommandLine.defaultFactory().create(type);
                }
            }
        });
        for (CommandLine sub : commandLine.getSubcommands().values()) {
            if (sub.getCommand() instanceof ConfiguredCommand configured) {
                configured.options.addTo(sub.getCommandSpec(), configured.settings);
            }
        }
        commandLine.setOut(new PrintWriter(context.out(), true, StandardCharsets.UTF_8));
        commandLine.setErr(new PrintWriter(context.err(), true, StandardCharsets.UTF_8));
        commandLine.setExpandAtFiles(false); // "@x" is a value, not a file of arguments
        commandLine.setOverwrittenOptionsAllowed(true); // a later --epochs wins, as a later --set does
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> report(e, context.err()));
        commandLine.setParameterExceptionHandler((e, arguments) -> { // one line and where to look, not all the usage
            String command = e.getCommandLine().getCommandSpec().qualifiedName();
            context.err().println("error: " + e.getMessage() + " (see '" + command + " --help')");
            return BAD_INPUT;
        });
        return commandLine;
    }

    /** A bare or options-only command line means the sweep. */
    static String[] withCommand(String[] args) {
        boolean named = args.length > 0
                && (COMMANDS.contains(args[0])
                        || List.of("-h", "--help", "-V", "--version", "help").contains(args[0]));
        if (named) {
            return args;
        }
        String[] sweep = new String[args.length + 1];
        sweep[0] = "sweep";
        System.arraycopy(args, 0, sweep, 1, args.length);
        return sweep;
    }

    /**
     * The one place that prints a failed command's {@code error:} line and chooses its exit code: one clear
     * line per failure a user can act on (an {@link ExitCodeException} carries its code; a file that is not
     * there, or storage that cannot be read or written, is 1); the whole trace only for the unexpected.
     */
    static int report(Exception e, PrintStream err) {
        if (e instanceof ExitCodeException known) {
            err.println("error: " + e.getMessage());
            return known.exitCode();
        }
        if (e instanceof FileNotFoundException) {
            err.println("error: " + e.getMessage());
            return FAILED;
        }
        if (e instanceof IOException) {
            // Unreachable or unreadable storage: the message names the path.
            boolean verbose = Boolean.getBoolean("mnistspark.verbose");
            err.println("error: cannot read or write " + e.getMessage()
                    + (verbose ? "" : " (stack trace: -Dmnistspark.verbose=true)"));
            if (verbose) {
                e.printStackTrace(err);
            }
            return FAILED;
        }
        err.println("error: " + e);
        e.printStackTrace(err);
        return FAILED;
    }

    /** The version the build wrote into the jar. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {APP_NAME + " " + NativeRuntime.applicationVersion()};
        }
    }

    private MnistSpark() {}
}
