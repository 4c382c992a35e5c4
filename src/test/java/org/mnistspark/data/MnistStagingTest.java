package org.mnistspark.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnistspark.TestSpark;

class MnistStagingTest {
    @TempDir
    java.nio.file.Path dir;

    @Test
    void copiesTheVerifiedFilesAndNothingElse() throws Exception {
        java.nio.file.Path target = dir.resolve("staged");
        String staged = MnistStaging.stage(TestSpark.mnistDir().toString(), target.toString(), new Configuration());
        assertThat(staged).startsWith("file:");
        for (String name : MnistStaging.MNIST_SHA256.keySet()) {
            assertThat(Files.readAllBytes(target.resolve(name)))
                    .as("staged " + name)
                    .isEqualTo(Files.readAllBytes(TestSpark.mnistDir().resolve(name)));
        }
        try (var files = Files.list(target)) {
            assertThat(files)
                    .as("no scratch files left")
                    .allMatch(f -> MnistStaging.MNIST_SHA256.containsKey(
                                    f.getFileName().toString())
                            || f.getFileName().toString().endsWith(".crc"));
        }
        // The staged folder is a usable data.dir.
        assertThat(MnistDataset.load(staged, new Configuration()).train().count())
                .isEqualTo(60_000);
    }

    @Test
    void aCorruptSourceCopiesNothing() throws Exception {
        java.nio.file.Path source = dir.resolve("source");
        Files.createDirectories(source);
        for (String name : MnistStaging.MNIST_SHA256.keySet()) {
            Files.copy(TestSpark.mnistDir().resolve(name), source.resolve(name));
        }
        byte[] labels = Files.readAllBytes(source.resolve(MnistDataset.TRAIN_LABELS));
        labels[100] ^= 1;
        Files.write(source.resolve(MnistDataset.TRAIN_LABELS), labels);
        java.nio.file.Path target = dir.resolve("staged");
        assertThatThrownBy(() -> MnistStaging.stage(source.toString(), target.toString(), new Configuration()))
                .isInstanceOf(InvalidDataException.class)
                .hasMessageContaining(MnistDataset.TRAIN_LABELS)
                .hasMessageContaining("SHA-256");
        assertThat(Files.exists(target)).isFalse();
        assertThat(new Path(target.toUri()).getFileSystem(new Configuration()).exists(new Path(target.toUri())))
                .isFalse();
    }
}
