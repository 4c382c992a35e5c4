package org.mnistspark.inference;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;

/**
 * Predicts broadcast IDX images: a partition is a run of batch numbers; batch {@code b} is images
 * {@code [b × batchSize, (b+1) × batchSize)} in file order, the same minibatches test evaluation uses
 * for the default batch size. The key is the image's index in the file.
 */
final class IdxPredictor extends PartitionPredictor implements FlatMapFunction<Iterator<Integer>, Row> {
    private static final long serialVersionUID = 1L;

    private final Broadcast<Images> images;

    IdxPredictor(
            Broadcast<byte[]> zip,
            double mean,
            double std,
            int batchSize,
            String modelSource,
            Broadcast<Images> images) {
        super(zip, mean, std, batchSize, modelSource);
        this.images = images;
    }

    @Override
    public Iterator<Row> call(Iterator<Integer> batchNumbers) {
        DigitModel model = model();
        Images all = images.value();
        return Batches.map(batchNumbers, 1, batch -> {
            int from = batch.get(0) * batchSize;
            int to = Math.min(all.count(), from + batchSize);
            List<Object> keys = new ArrayList<>(to - from);
            List<Integer> labels = all.labelled() ? new ArrayList<>(to - from) : null;
            for (int i = from; i < to; i++) {
                keys.add((long) i);
                if (labels != null) {
                    labels.add(all.label(i));
                }
            }
            return predict(model, keys, all.pixels(from, to), labels);
        });
    }
}
