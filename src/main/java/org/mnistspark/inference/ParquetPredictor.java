package org.mnistspark.inference;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;

/**
 * Predicts the rows of an input table ({@link ParquetInput}: id, pixels, label) in batches; the key of
 * each output row is the input's id. Rows were checked before the job ({@link ParquetInput#checkRows});
 * should one still be no image, its {@link InvalidInputException} fails the job.
 */
final class ParquetPredictor extends PartitionPredictor implements FlatMapFunction<Iterator<Row>, Row> {
    private static final long serialVersionUID = 1L;

    private final PixelRows reader;

    ParquetPredictor(
            Broadcast<byte[]> zip, double mean, double std, int batchSize, String modelSource, PixelRows reader) {
        super(zip, mean, std, batchSize, modelSource);
        this.reader = reader;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> input) {
        DigitModel model = model();
        return Batches.map(input, batchSize, batch -> {
            byte[] pixels = new byte[batch.size() * DigitModel.PIXELS];
            List<Object> keys = new ArrayList<>(batch.size());
            List<Integer> labels = new ArrayList<>(batch.size());
            for (int i = 0; i < batch.size(); i++) {
                Row row = batch.get(i);
                keys.add(row.get(0));
                reader.copyPixels(row, pixels, i * DigitModel.PIXELS);
                labels.add(reader.label(row));
            }
            return predict(model, keys, pixels, labels);
        });
    }
}
