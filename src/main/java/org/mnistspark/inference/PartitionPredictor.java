package org.mnistspark.inference;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.mnistspark.model.NativeRuntime;

/**
 * What every prediction task shares: the broadcast model zip, the trial's normalization and the batch
 * size. A task restores the model once per executor JVM ({@link ExecutorModels}) and predicts its
 * partition batch by batch, each image becoming one row: key, predicted label, probabilities, true label.
 */
abstract class PartitionPredictor implements Serializable {
    private static final long serialVersionUID = 1L;

    private final Broadcast<byte[]> zip;
    private final double mean;
    private final double std;
    final int batchSize;
    private final String modelSource;

    PartitionPredictor(Broadcast<byte[]> zip, double mean, double std, int batchSize, String modelSource) {
        this.zip = zip;
        this.mean = mean;
        this.std = std;
        this.batchSize = batchSize;
        this.modelSource = modelSource;
    }

    /** Call first in a task: ND4J's settings before it loads, then this JVM's copy of the model. */
    final DigitModel model() {
        NativeRuntime.configureThread();
        return ExecutorModels.get(zip, mean, std, modelSource);
    }

    /**
     * One batch: {@code keys.size()} images in {@code pixels} (784 bytes each), their labels (null
     * entries where unknown, or a null list).
     */
    static List<Row> predict(DigitModel model, List<Object> keys, byte[] pixels, List<Integer> labels) {
        float[][] probabilities = model.probabilities(pixels, keys.size());
        List<Row> rows = new ArrayList<>(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            rows.add(RowFactory.create(
                    keys.get(i),
                    DigitModel.argMax(probabilities[i]),
                    probabilities[i],
                    labels == null ? null : labels.get(i)));
        }
        return rows;
    }
}
