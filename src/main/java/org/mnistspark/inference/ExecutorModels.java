package org.mnistspark.inference;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.broadcast.Broadcast;

/**
 * The models restored in this JVM, one per broadcast of a model zip: a task finds the model its job
 * broadcast already restored by an earlier task in the same executor, so each executor restores it once
 * however many partitions it runs. The last few are kept (a long-lived executor may serve many jobs).
 */
final class ExecutorModels {
    private static final int KEPT = 4;
    private static final Map<Long, DigitModel> MODELS = new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, DigitModel> eldest) {
            return size() > KEPT;
        }
    };

    private ExecutorModels() {}

    /** The model of {@code zip}, restored on first use in this JVM; concurrent first uses wait for one restore. */
    static DigitModel get(Broadcast<byte[]> zip, double mean, double std, String source) {
        synchronized (MODELS) {
            DigitModel model = MODELS.get(zip.id());
            if (model == null) {
                model = DigitModel.restore(zip.value(), mean, std, source);
                MODELS.put(zip.id(), model);
            }
            return model;
        }
    }

    /** The driver's restored copy: in a local Spark the driver is the executor, and restores nothing twice. */
    static void put(Broadcast<byte[]> zip, DigitModel model) {
        synchronized (MODELS) {
            MODELS.put(zip.id(), model);
        }
    }

    static void remove(Broadcast<byte[]> zip) {
        synchronized (MODELS) {
            MODELS.remove(zip.id());
        }
    }
}
