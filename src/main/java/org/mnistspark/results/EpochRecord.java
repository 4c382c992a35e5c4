package org.mnistspark.results;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** One row of the {@code epochs} table: one epoch of one trial run. */
public record EpochRecord(String experiment, String trialId, String runId, int epoch, double trainLoss,
                          double testLoss, double testAccuracy, long testCorrect, long testImages,
                          long trainImages, double seconds, double imagesPerSecond) {

    public static final StructType SCHEMA = new StructType()
            .add("experiment", DataTypes.StringType, false)
            .add("trial_id", DataTypes.StringType, false)
            .add("run_id", DataTypes.StringType, false)
            .add("epoch", DataTypes.IntegerType, false)
            .add("train_loss", DataTypes.DoubleType, false)
            .add("test_loss", DataTypes.DoubleType, false)
            .add("test_accuracy", DataTypes.DoubleType, false)
            .add("test_correct", DataTypes.LongType, false)
            .add("test_images", DataTypes.LongType, false)
            .add("train_images", DataTypes.LongType, false)
            .add("seconds", DataTypes.DoubleType, false)
            .add("images_per_second", DataTypes.DoubleType, false);

    Object[] values() {
        return new Object[] {experiment, trialId, runId, epoch, trainLoss, testLoss, testAccuracy, testCorrect,
                testImages, trainImages, seconds, imagesPerSecond};
    }
}
