package org.mnistspark.data;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnistspark.TestSpark;

import java.nio.file.Files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MnistStagingTest {
    @TempDir
    java.nio.file.Path dir;

    @Test
    void copiesTheVerifiedFilesAndNothingElse() throws Exception {
        java.nio.file.Path target = dir.resolve("staged");
        String staged = MnistStaging.stage(TestSpark.mnistDir().toString(), target.toString(), new Configuration());
        assertTrue(staged.startsWith("file:"), staged);
        for (String name : MnistStaging.MNIST_SHA256.keySet()) {
            assertArrayEquals(Files.readAllBytes(TestSpark.mnistDir().resolve(name)), Files.readAllBytes(target.resolve(name)));
        }
        try (var files = Files.list(target)) {
            assertTrue(files.allMatch(f -> MnistStaging.MNIST_SHA256.containsKey(f.getFileName().toString())
                    || f.getFileName().toString().endsWith(".crc")), "no scratch files left");
        }
        // The staged folder is a usable data.dir.
        assertEquals(60_000, MnistDataset.load(staged, new Configuration()).train().count());
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
        InvalidDataException e = assertThrows(InvalidDataException.class,
                () -> MnistStaging.stage(source.toString(), target.toString(), new Configuration()));
        assertTrue(e.getMessage().contains(MnistDataset.TRAIN_LABELS) && e.getMessage().contains("SHA-256"), e.getMessage());
        assertFalse(Files.exists(target));
        assertFalse(new Path(target.toUri()).getFileSystem(new Configuration()).exists(new Path(target.toUri())));
    }
}
