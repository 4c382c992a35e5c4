package org.mnistspark.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.mnistspark.TestFiles;
import org.mnistspark.TestSpark;
import org.mnistspark.results.ResultsTable;

/**
 * Two sweeps as two separate applications (two JVMs started by submit/local.sh, as two people or a
 * scheduler's retry would start them) on one results table at the same time: claims make every trial
 * train once, and two concurrent reruns of one trial add exactly one run, deleting nothing. Every row
 * and model is counted afterwards, before and after vacuum.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConcurrentSweepsIT {
    static final Path ROOT = Paths.get("").toAbsolutePath();
    static final Path WORK = ROOT.resolve("target/it-concurrent");

    @BeforeAll
    static void clean() throws Exception {
        TestFiles.deleteRecursively(WORK);
        Files.createDirectories(WORK);
    }

    /** submit/local.sh with a small sweep into this test's table and models, on local[1]. */
    static Process start(String name, String... options) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                "submit/local.sh",
                "--experiment",
                "concurrent",
                "--train-limit",
                "1280",
                "--test-limit",
                "500",
                "--epochs",
                "1",
                "--workers",
                "1",
                "--results",
                WORK.resolve("results").toString(),
                "--models",
                WORK.resolve("models").toString()));
        command.addAll(List.of(options));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(ROOT.toFile())
                .redirectErrorStream(true)
                .redirectOutput(WORK.resolve(name + ".log").toFile());
        builder.environment().put("SPARK_MASTER", "local[1]");
        builder.environment().remove("SPARK_HOME");
        return builder.start();
    }

    static String finish(Process process, String name) throws Exception {
        if (!process.waitFor(10, TimeUnit.MINUTES)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
        String output = Files.readString(WORK.resolve(name + ".log"), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(name + ":\n" + output).isZero();
        return output;
    }

    static int count(String output, String pattern) {
        Matcher matcher = Pattern.compile(pattern).matcher(output);
        int n = 0;
        while (matcher.find()) {
            n++;
        }
        return n;
    }

    static List<Path> models() throws Exception {
        if (!Files.exists(WORK.resolve("models"))) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(WORK.resolve("models"))) {
            return files.filter(f -> f.toString().endsWith(".zip")).toList();
        }
    }

    @Test
    @Order(1)
    void twoSweepsOfOneExperimentAtOnceTrainEachTrialOnce() throws Exception {
        Process a = start("a", "--hidden-channels", "3,4,5,6");
        Process b = start("b", "--hidden-channels", "3,4,5,6");
        String outA = finish(a, "a");
        String outB = finish(b, "b");
        int trained = count(outA, "epoch 1/1 done") + count(outB, "epoch 1/1 done");
        assertThat(trained)
                .as("4 trials, each trained by one of the two sweeps\n" + outA + "\n" + outB)
                .isEqualTo(4);

        ResultsTable table =
                new ResultsTable(TestSpark.session(), WORK.resolve("results").toString());
        assertThat(table.allRuns().count()).as("every run committed on storage").isEqualTo(4);
        assertThat(table.trials().select("trial_id").distinct().count()).isEqualTo(4);
        assertThat(table.allEpochRows().count()).isEqualTo(4);
        assertThat(models()).hasSize(4);
    }

    @Test
    @Order(2)
    void twoConcurrentRerunsOfOneTrialAddOneRunAndDeleteNothing() throws Exception {
        Process a = start("rerun-a", "--hidden-channels", "3", "--rerun");
        Process b = start("rerun-b", "--hidden-channels", "3", "--rerun");
        String outA = finish(a, "rerun-a");
        String outB = finish(b, "rerun-b");
        assertThat(count(outA, "epoch 1/1 done") + count(outB, "epoch 1/1 done"))
                .as("one rerun trains; the other finds the trial claimed\n" + outA + "\n" + outB)
                .isEqualTo(1);
        assertThat(outA + outB).contains("another sweep is training it now");

        ResultsTable table =
                new ResultsTable(TestSpark.session(), WORK.resolve("results").toString());
        assertThat(table.allRuns().count())
                .as("the first run and the rerun, both on storage")
                .isEqualTo(5);
        assertThat(table.allEpochRows().count()).isEqualTo(5);
        assertThat(table.trials().count())
                .as("the views show the latest run of each trial")
                .isEqualTo(4);
        assertThat(table.epochs().count()).isEqualTo(4);
        assertThat(models()).as("no model deleted by a sweep").hasSize(5);

        Process vacuum = new ProcessBuilder(
                        "submit/local.sh",
                        "vacuum",
                        "--results",
                        WORK.resolve("results").toString(),
                        "--models",
                        WORK.resolve("models").toString(),
                        "--older-than",
                        "0s")
                .directory(ROOT.toFile())
                .redirectErrorStream(true)
                .redirectOutput(WORK.resolve("vacuum.log").toFile())
                .start();
        String vacuumed = finish(vacuum, "vacuum");
        assertThat(vacuumed).contains("removed superseded runs: 1");
        assertThat(table.allRuns().count()).isEqualTo(4);
        assertThat(table.allEpochRows().count()).isEqualTo(4);
        assertThat(models()).hasSize(4);
        for (Path model : models()) {
            String name = model.getFileName().toString();
            assertThat(table.trials().where("model_path LIKE '%" + name + "'").count())
                    .as("every remaining model is named by a row: " + name)
                    .isEqualTo(1);
        }
    }
}
