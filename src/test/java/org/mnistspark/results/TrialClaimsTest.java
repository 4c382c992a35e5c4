package org.mnistspark.results;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Claims on a real file system: who trains a trial when sweeps start at the same moment, or one died. */
class TrialClaimsTest {
    @TempDir
    Path dir;

    private TrialClaims claims() throws Exception {
        FileSystem fs = FileSystem.getLocal(new Configuration()).getRaw(); // no .crc: the test edits claim files
        return new TrialClaims(
                fs,
                fs.makeQualified(
                        new org.apache.hadoop.fs.Path(dir.resolve("_claims").toString())));
    }

    /** Four claimants at once (the settle wait overlaps for all): exactly one wins. */
    @RepeatedTest(3)
    void ofClaimantsStartingTogetherExactlyOneWins() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Optional<TrialClaims.Claim>>> attempts = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                String owner = "sweep-" + i;
                attempts.add(pool.submit((Callable<Optional<TrialClaims.Claim>>) () -> claims().claim("t1", owner)));
            }
            List<TrialClaims.Claim> won = new ArrayList<>();
            for (Future<Optional<TrialClaims.Claim>> attempt : attempts) {
                attempt.get().ifPresent(won::add);
            }
            assertThat(won).hasSize(1);
            assertThat(claims().claim("t1", "late"))
                    .as("a later claimant sees the held claim")
                    .isEmpty();
            won.get(0).close();
            assertThat(claims().claim("t1", "after"))
                    .as("released: claimable again")
                    .isPresent();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aClaimWhoseLeaseRanOutIsTakenOverAndItsOwnerCannotCommit() throws Exception {
        TrialClaims.Claim dead = claims().claim("t1", "died").orElseThrow();
        Path file;
        try (var files = Files.list(dir.resolve("_claims/t1"))) {
            file = files.filter(f -> f.getFileName().toString().endsWith(".claim"))
                    .findFirst()
                    .orElseThrow();
        }
        // Its owner stopped renewing long ago: the lease in the file has run out.
        String[] fields = Files.readString(file).trim().split(" ", 4);
        Files.writeString(file, "held " + fields[1] + " " + (System.currentTimeMillis() - 1000) + " " + fields[3]);

        TrialClaims.Claim taker = claims().claim("t1", "taker").orElseThrow();
        assertThatThrownBy(dead::check).hasMessageContaining("taken over");
        taker.check();
        taker.close();
        dead.close();
    }

    @Test
    void expiredClaimsAreDeletedAndLiveOnesKept() throws Exception {
        TrialClaims.Claim live = claims().claim("t1", "alive").orElseThrow();
        Files.createDirectories(dir.resolve("_claims/t2"));
        Files.writeString(dir.resolve("_claims/t2/old.claim"), "held 1 2 someone\n");
        assertThat(claims().deleteExpired()).isEqualTo(1);
        assertThat(dir.resolve("_claims/t2")).doesNotExist();
        live.check();
        live.close();
    }
}
