package org.mnistspark.training;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The persistent engine's workers this JVM keeps, by trial run and worker index: JVM-wide, so that
 * worker {@code i}'s next round, on any task thread of this executor, finds its network. Entries go
 * when their trial ends ({@link #evict}); a bound on their number keeps an executor whose trials never
 * said goodbye (a killed driver) from growing.
 */
final class WorkerCache {
    /** More than any executor's cores: only a leak reaches it. */
    static final int MAX_WORKERS = 64;

    private record Key(String trial, int worker) {}

    private static final Map<Key, PersistentWorker> WORKERS = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, PersistentWorker> eldest) {
            return size() > MAX_WORKERS;
        }
    };

    private WorkerCache() {}

    /** A worker to use for one round, and whether it was kept from an earlier one. */
    static final class Lease implements AutoCloseable {
        private final PersistentWorker worker;

        private Lease(PersistentWorker worker) {
            this.worker = worker;
        }

        PersistentWorker worker() {
            return worker;
        }

        @Override
        public void close() {
            worker.busy.unlock();
        }
    }

    /**
     * The kept worker, or a new one from {@code create}, locked for the caller until the lease closes.
     * A worker that another attempt of the same task still holds is not shared: the caller gets a new one.
     */
    static Lease lease(String trial, int worker, Supplier<PersistentWorker> create) {
        Key key = new Key(trial, worker);
        synchronized (WORKERS) {
            PersistentWorker kept = WORKERS.get(key);
            if (kept != null && kept.busy.tryLock()) {
                return new Lease(kept);
            }
        }
        PersistentWorker fresh = create.get(); // outside the lock: building a network takes a while
        fresh.busy.lock();
        synchronized (WORKERS) {
            PersistentWorker kept = WORKERS.get(key);
            if (kept == null || !kept.busy.isLocked()) {
                WORKERS.put(key, fresh);
            }
        }
        return new Lease(fresh);
    }

    /** Drops every worker of {@code trial} kept in this JVM. */
    static void evict(String trial) {
        synchronized (WORKERS) {
            WORKERS.keySet().removeIf(key -> key.trial().equals(trial));
        }
    }

    /** Drops every worker this JVM keeps, as a lost executor would: for tests. */
    static void clear() {
        synchronized (WORKERS) {
            WORKERS.clear();
        }
    }

    /** Workers kept now, for tests. */
    static int size() {
        synchronized (WORKERS) {
            return WORKERS.size();
        }
    }
}
