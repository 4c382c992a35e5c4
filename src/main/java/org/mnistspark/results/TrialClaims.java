package org.mnistspark.results;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who trains a trial now, so that sweeps running at once on one table (two applications, a retry
 * beside a straggler) train each trial once. Before training, a sweep claims the trial in
 * {@code _claims/<trial>/}; while training it renews the claim's lease; afterwards it releases it. A
 * sweep skips a trial someone else holds, and takes over a claim whose lease ran out (its owner died).
 *
 * <p>The protocol needs only what every Hadoop file system gives (file:, hdfs:, s3a:: whole-file
 * writes, listing, deletes, read-after-write): no atomic create-if-absent. A claimant writes its own
 * file, {@code pending}, waits {@link #SETTLE} so that every claimant that wrote meanwhile is visible,
 * then lists: if a live claim is {@code held}, it loses; otherwise the pending claim with the smallest
 * (claim time, name) wins, and everyone who listed computes the same winner. The winner marks its file
 * {@code held}; losers delete theirs.
 */
public final class TrialClaims {
    private static final Logger LOG = LoggerFactory.getLogger(TrialClaims.class);
    /** Long enough for every claimant of one moment to see each other's files. */
    static final Duration SETTLE = Duration.ofMillis(Long.getLong("mnistspark.claims.settle-ms", 1500));
    /** A claim nobody renewed for this long is dead and may be taken over. */
    static final Duration LEASE = Duration.ofSeconds(Long.getLong("mnistspark.claims.lease-seconds", 300));

    private final FileSystem fs;
    private final Path root;

    TrialClaims(FileSystem fs, Path root) {
        this.fs = fs;
        this.root = root;
    }

    /** One claim file's content: {@code state claimedAt expiresAt owner}. */
    record Content(String state, long claimedAt, long expiresAt, String owner) {
        static Content parse(String text) {
            String[] fields = text.trim().split("\\s+", 4);
            return new Content(
                    fields[0],
                    Long.parseLong(fields[1]),
                    Long.parseLong(fields[2]),
                    fields.length > 3 ? fields[3] : "");
        }

        String text() {
            return state + " " + claimedAt + " " + expiresAt + " " + owner + "\n";
        }

        boolean live(Instant now) {
            return expiresAt > now.toEpochMilli();
        }
    }

    /**
     * Claims {@code trialId} for {@code owner} (a description for people: run id, host), renewing the
     * lease until the claim is closed; empty if another sweep holds it.
     */
    public Optional<Claim> claim(String trialId, String owner) throws IOException {
        Path dir = new Path(root, trialId);
        Path mine = new Path(dir, UUID.randomUUID() + ".claim");
        long now = System.currentTimeMillis();
        write(mine, new Content("pending", now, now + LEASE.toMillis(), owner));
        try {
            Thread.sleep(SETTLE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fs.delete(mine, false);
            throw new IOException("interrupted while claiming trial " + trialId, e);
        }
        Instant checked = Instant.now();
        List<Entry> live = new ArrayList<>();
        for (Entry entry : list(dir)) {
            if (entry.content.live(checked)) {
                live.add(entry);
            } else if (!entry.path.equals(mine)) {
                delete(entry.path); // an owner that died: its lease ran out
            }
        }
        boolean heldByOther = live.stream().anyMatch(e -> e.content.state.equals("held") && !e.path.equals(mine));
        Entry winner = live.stream()
                .filter(e -> e.content.state.equals("pending"))
                .min(Comparator.comparingLong((Entry e) -> e.content.claimedAt).thenComparing(e -> e.path.getName()))
                .orElse(null);
        if (heldByOther || winner == null || !winner.path.equals(mine)) {
            delete(mine);
            return Optional.empty();
        }
        Claim claim = new Claim(trialId, mine, now, owner);
        claim.renew(); // "held", with a fresh lease
        return Optional.of(claim);
    }

    /** A held claim: renewed in the background until closed, then deleted. */
    public final class Claim implements AutoCloseable {
        private final String trialId;
        private final Path path;
        private final long claimedAt;
        private final String owner;
        private final ScheduledExecutorService renewer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "mnist-spark claim renewer");
            thread.setDaemon(true);
            return thread;
        });
        private volatile IOException lost;

        private Claim(String trialId, Path path, long claimedAt, String owner) {
            this.trialId = trialId;
            this.path = path;
            this.claimedAt = claimedAt;
            this.owner = owner;
            long every = Math.max(1, LEASE.toMillis() / 4);
            renewer.scheduleWithFixedDelay(
                    () -> {
                        try {
                            renew();
                        } catch (IOException e) {
                            lost = e;
                            LOG.warn("Could not renew the claim on trial {}: {}", trialId, e.toString());
                        }
                    },
                    every,
                    every,
                    TimeUnit.MILLISECONDS);
        }

        private synchronized void renew() throws IOException {
            write(path, new Content("held", claimedAt, System.currentTimeMillis() + LEASE.toMillis(), owner));
        }

        /**
         * Fails if the claim is no longer this sweep's (its file is gone, or renewing failed): checked
         * before the commit, so that a sweep whose lease was taken over never commits a second run.
         */
        public synchronized void check() throws IOException {
            if (lost != null) {
                throw new IOException("the claim on trial " + trialId + " could not be renewed", lost);
            }
            try {
                Content content = read(path);
                if (!content.state.equals("held") || !content.owner.equals(owner)) {
                    throw new IOException("the claim on trial " + trialId + " was taken over: " + path);
                }
            } catch (FileNotFoundException e) {
                throw new IOException("the claim on trial " + trialId + " was taken over: " + path + " is gone", e);
            }
        }

        @Override
        public void close() {
            renewer.shutdownNow();
            delete(path);
        }
    }

    private record Entry(Path path, Content content) {}

    private List<Entry> list(Path dir) throws IOException {
        List<Entry> entries = new ArrayList<>();
        FileStatus[] files;
        try {
            files = fs.listStatus(dir);
        } catch (FileNotFoundException e) {
            return entries;
        }
        for (FileStatus file : files) {
            if (!file.getPath().getName().endsWith(".claim")) {
                continue;
            }
            try {
                entries.add(new Entry(file.getPath(), read(file.getPath())));
            } catch (FileNotFoundException released) {
                LOG.debug("Claim {} was released meanwhile", file.getPath());
            } catch (IOException | RuntimeException beingWritten) { // its owner is rewriting it: someone is active
                entries.add(new Entry(file.getPath(), new Content("held", 0, Long.MAX_VALUE, "(being written)")));
            }
        }
        return entries;
    }

    private Content read(Path path) throws IOException {
        try (FSDataInputStream in = fs.open(path)) {
            return Content.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    private void write(Path path, Content content) throws IOException {
        try (var out = fs.create(path, true)) {
            out.write(content.text().getBytes(StandardCharsets.UTF_8));
        }
    }

    private void delete(Path path) {
        try {
            fs.delete(path, false);
        } catch (IOException e) {
            LOG.warn("Could not delete claim {}: {}", path, e.toString());
        }
    }

    /** Deletes claims whose lease ran out: their owners died. Returns how many. */
    public int deleteExpired() throws IOException {
        int deleted = 0;
        FileStatus[] trials;
        try {
            trials = fs.listStatus(root);
        } catch (FileNotFoundException e) {
            return 0;
        }
        Instant now = Instant.now();
        for (FileStatus trial : trials) {
            List<Entry> entries = list(trial.getPath());
            for (Entry entry : entries) {
                if (!entry.content.live(now)) {
                    delete(entry.path);
                    deleted++;
                }
            }
            if (entries.stream().noneMatch(e -> e.content.live(now))) {
                try {
                    fs.delete(trial.getPath(), false); // only if empty: a claimant may be writing into it
                } catch (IOException notEmpty) {
                    LOG.debug("Kept {}: {}", trial.getPath(), notEmpty.toString());
                }
            }
        }
        return deleted;
    }
}
