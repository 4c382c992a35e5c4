package org.mnistspark.model;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * oneDNN's instruction set for this JVM, chosen for the CPU it runs on. Which of oneDNN's kernel families
 * trains this CNN fastest depends on the CPU (its AVX-512 convolutions pad channels to 16, its AVX2 ones
 * do not, without AVX2 backward falls back to im2col and sgemm), so no constant fits every machine:
 * <ol>
 *   <li>{@code DNNL_MAX_CPU_ISA} in the environment always wins (origin "environment");</li>
 *   <li>else the choice cached for this CPU model on this host, under {@code ~/.javacpp/mnist-spark/};</li>
 *   <li>else a calibration, once per CPU model and host: {@link ComputeProbe} trains the default sweep's
 *       middle shape (h = 10, 32 images per worker, one task thread per core) in child JVMs, since oneDNN
 *       reads its set once per process: two rounds over the instruction sets the CPU has, each a JVM
 *       that warms up for 2 s and runs the shape twice (about 6 s); each set's best run counts. The
 *       fastest is cached; a file lock makes the executors of one host calibrate once and the others wait.</li>
 * </ol>
 * The choice reaches oneDNN through the process environment ({@code setenv} before ND4J's first
 * convolution): it works the same in the driver and in every executor, whatever started the JVM.
 */
public final class CpuIsa {
    static final String VARIABLE = "DNNL_MAX_CPU_ISA";
    /** The probe's shape: the default sweep's middle trial, its 64-image minibatch split over 2 workers. */
    static final int PROBE_HIDDEN = 10;

    static final int PROBE_BATCH = 32;
    static final int PROBE_ITERATIONS = 60;
    /** Runs of the shape per child JVM, and child JVMs per candidate (interleaved), the best counting. */
    static final int PROBE_REPEATS = 2;

    static final int PROBE_ROUNDS = 2;
    private static volatile Choice applied;

    private CpuIsa() {}

    /**
     * The instruction set oneDNN runs with in this JVM, and where it came from.
     *
     * @param isa    oneDNN's name for it (AVX, AVX2, AVX512_CORE, ALL), or "default" when nothing was set
     * @param origin how it was chosen, for the job's settings line
     */
    public record Choice(String isa, String origin) {
        @Override
        public String toString() {
            return isa + " (" + origin + ")";
        }
    }

    /** Chooses once per JVM and sets it for oneDNN; call before ND4J's first convolution. */
    public static Choice apply() {
        if (applied == null) {
            synchronized (CpuIsa.class) {
                if (applied == null) {
                    Choice choice =
                            choose(System.getenv(), Cpu.ofThisMachine(), cacheFolder(), CpuIsa::probeInChildJvm);
                    if (!choice.isa().equals("default") && System.getenv(VARIABLE) == null) {
                        setProcessEnvironment(VARIABLE, choice.isa());
                    }
                    applied = choice;
                }
            }
        }
        return applied;
    }

    /** What {@link #apply()} chose, if it ran in this JVM. */
    public static Choice applied() {
        return applied;
    }

    /** The images/s of {@link ComputeProbe} with oneDNN limited to one instruction set. */
    interface Probe {
        double imagesPerSecond(String isa, int threads) throws IOException;
    }

    /** The CPU as oneDNN's choice depends on it: its model name and its vector extensions. */
    record Cpu(String model, Set<String> flags, int cores) {
        static Cpu ofThisMachine() {
            int cores = Runtime.getRuntime().availableProcessors();
            Path cpuinfo = Paths.get("/proc/cpuinfo");
            if (!Files.isReadable(cpuinfo)) {
                return new Cpu(System.getProperty("os.arch"), Set.of(), cores);
            }
            try {
                return parse(Files.readString(cpuinfo), cores);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + cpuinfo, e);
            }
        }

        /** The first processor's "model name" and "flags" lines of /proc/cpuinfo. */
        static Cpu parse(String cpuinfo, int cores) {
            String model = "unknown CPU";
            Set<String> flags = Set.of();
            for (String line : cpuinfo.split("\n")) {
                int colon = line.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String key = line.substring(0, colon).trim();
                String value = line.substring(colon + 1).trim();
                if (key.equals("model name") && model.equals("unknown CPU")) {
                    model = value;
                } else if (key.equals("flags") && flags.isEmpty()) {
                    flags = Set.of(value.split("\\s+"));
                }
            }
            return new Cpu(model, flags, cores);
        }

        /**
         * The instruction sets worth trying, lowest first: each of oneDNN's kernel families the CPU has, and
         * ALL only where it adds something above AVX512_CORE (VNNI, BF16, AMX).
         */
        List<String> candidates() {
            List<String> candidates = new ArrayList<>();
            if (flags.contains("avx")) {
                candidates.add("AVX");
            }
            if (flags.contains("avx2")) {
                candidates.add("AVX2");
            }
            if (flags.containsAll(Set.of("avx512f", "avx512bw", "avx512vl", "avx512dq"))) {
                candidates.add("AVX512_CORE");
                if (flags.contains("avx512_vnni") || flags.contains("avx512_bf16") || flags.contains("amx_tile")) {
                    candidates.add("ALL");
                }
            }
            return candidates;
        }

        /** The probe's threads: one task thread per core as executors run them, at most 4 to keep it short. */
        int probeThreads() {
            return Math.min(cores, 4);
        }

        /** The extensions that can change oneDNN's kernels, sorted: the cache key's part of the flags. */
        String vectorFlags() {
            return flags.stream()
                    .filter(flag -> flag.startsWith("avx") || flag.startsWith("amx") || flag.equals("fma"))
                    .sorted()
                    .collect(Collectors.joining(" "));
        }
    }

    static Choice choose(Map<String, String> environment, Cpu cpu, Path cacheFolder, Probe probe) {
        String given = environment.get(VARIABLE);
        if (given != null && !given.isBlank()) {
            return new Choice(given.trim().toUpperCase(Locale.ROOT), VARIABLE + " in the environment");
        }
        List<String> candidates = cpu.candidates();
        if (candidates.size() < 2) {
            return new Choice(
                    "default",
                    candidates.isEmpty()
                            ? "oneDNN's default: this CPU has no AVX"
                            : "oneDNN's default: AVX is this CPU's only choice");
        }
        int threads = cpu.probeThreads();
        Path cache = cacheFolder.resolve("isa-" + cacheKey(cpu, threads) + ".properties");
        try {
            Files.createDirectories(cacheFolder);
            try (FileChannel lockFile = FileChannel.open(
                            cacheFolder.resolve("isa.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock lock = lockFile.lock()) {
                Properties cached = Files.exists(cache) ? readable(cache) : null;
                if (cached != null) {
                    return new Choice(
                            cached.getProperty("isa"),
                            "calibrated on this host " + cached.getProperty("at") + " ("
                                    + cached.getProperty("images-per-second") + " images/s), cached in " + cache);
                }
                // Rounds interleave the candidates, so that a burst of stolen time slows one run of each, not
                // every run of one; each candidate's best run counts.
                Map<String, Double> measured = new LinkedHashMap<>();
                for (int round = 0; round < PROBE_ROUNDS; round++) {
                    for (String isa : candidates) {
                        measured.merge(isa, probe.imagesPerSecond(isa, threads), Math::max);
                    }
                }
                String best = measured.entrySet().stream()
                        .max(Map.Entry.comparingByValue())
                        .orElseThrow()
                        .getKey();
                String rates = measured.entrySet().stream()
                        .map(e -> String.format(Locale.ROOT, "%s %.0f", e.getKey(), e.getValue()))
                        .collect(Collectors.joining(", "));
                String at = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
                Properties properties = new Properties();
                properties.setProperty("isa", best);
                properties.setProperty("at", at);
                properties.setProperty("images-per-second", rates);
                properties.setProperty("cpu", cpu.model());
                properties.setProperty("flags", cpu.vectorFlags());
                properties.setProperty("probe", "h=" + PROBE_HIDDEN + " batch=" + PROBE_BATCH + " threads=" + threads);
                store(properties, cache);
                return new Choice(
                        best, "calibrated on this host " + at + " (" + rates + " images/s), cached in " + cache);
            }
        } catch (IOException e) {
            // A read-only home or a failed probe must not stop a job: oneDNN's own default still works.
            return new Choice("default", "oneDNN's default: calibration failed (" + e.getMessage() + ")");
        }
    }

    /** The CPU model, its vector extensions, the probe's threads and this build: a new one calibrates again. */
    static String cacheKey(Cpu cpu, int threads) {
        String key =
                cpu.model() + "\n" + cpu.vectorFlags() + "\n" + threads + "\n" + NativeRuntime.applicationVersion();
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** ~/.javacpp/mnist-spark beside JavaCPP's own cache: per host, and kept across jobs and containers. */
    static Path cacheFolder() {
        return Paths.get(System.getProperty("user.home"), ".javacpp", "mnist-spark");
    }

    /** The cached choice, or null if the file is damaged (cut short, edited): then it is calibrated again. */
    private static Properties readable(Path file) {
        try {
            return load(file);
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }

    private static Properties load(Path file) throws IOException {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            properties.load(in);
        }
        if (properties.getProperty("isa") == null) {
            throw new IOException(file + " has no isa");
        }
        return properties;
    }

    private static void store(Properties properties, Path file) throws IOException {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(temporary)) {
            properties.store(out, "oneDNN instruction set chosen by mnist-spark's calibration (CpuIsa)");
        }
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** {@link ComputeProbe} in a new JVM of this one's Java and classpath, oneDNN limited to {@code isa}. */
    static double probeInChildJvm(String isa, int threads) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        for (String argument : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (argument.startsWith("--add-")
                    || argument.startsWith("-Dorg.bytedeco")
                    || argument.startsWith("-Dorg.eclipse")) {
                command.add(argument);
            }
        }
        // The same shape PROBE_REPEATS times in one JVM; the best counts. Shared machines lose time in bursts
        // (one shape gave 2,700-4,500 images/s within one JVM on the build VM): noise only ever slows a run.
        String shapes = String.join(",", java.util.Collections.nCopies(PROBE_REPEATS, String.valueOf(PROBE_HIDDEN)));
        command.addAll(List.of(
                "-Xmx512m",
                "-cp",
                classpath(),
                ComputeProbe.class.getName(),
                shapes,
                String.valueOf(PROBE_BATCH),
                String.valueOf(threads),
                String.valueOf(PROBE_ITERATIONS)));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put(VARIABLE, isa);
        builder.environment().put("OMP_NUM_THREADS", "1");
        builder.environment().remove("DNNL_VERBOSE");
        Process process = builder.start();
        String output;
        try (InputStream in = process.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        try {
            if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IOException("the " + isa + " probe failed: " + lastLines(output));
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while probing " + isa, e);
        }
        return output.lines()
                .filter(line -> line.startsWith("probe "))
                .mapToDouble(ComputeProbe.Result::imagesPerSecond)
                .max()
                .orElseThrow(() -> new IOException("the " + isa + " probe printed no result: " + lastLines(output)));
    }

    /**
     * This class's own jar or folder, then the JVM's classpath: under spark-submit the application jar is
     * not on java.class.path but in Spark's class loader.
     */
    private static String classpath() {
        try {
            String own = Paths.get(ComputeProbe.class
                            .getProtectionDomain()
                            .getCodeSource()
                            .getLocation()
                            .toURI())
                    .toString();
            return own + File.pathSeparator + System.getProperty("java.class.path");
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String lastLines(String output) {
        String[] lines = output.strip().split("\n");
        return String.join(" | ", List.of(lines).subList(Math.max(0, lines.length - 3), lines.length));
    }

    /** libc's setenv: oneDNN reads its instruction set with getenv, which System.getenv's copy does not feed. */
    private interface LibC extends Library {
        int setenv(String name, String value, int overwrite);
    }

    static void setProcessEnvironment(String name, String value) {
        LibC libc = (LibC) Native.loadLibrary("c", LibC.class);
        if (libc.setenv(name, value, 1) != 0) {
            throw new IllegalStateException("setenv(" + name + ") failed");
        }
    }
}
