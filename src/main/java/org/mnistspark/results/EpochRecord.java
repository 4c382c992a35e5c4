package org.mnistspark.results;

import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.mnistspark.results.Columns.column;
import static org.mnistspark.results.Columns.nullable;

import java.util.Arrays;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * One row of the {@code epochs} table: one epoch of one trial run.
 *
 * @param fitSeconds   of {@code seconds}, a worker's time inside DL4J's fit (null in rows of version 1)
 * @param dataSeconds  a worker's time making minibatches
 * @param setupSeconds a worker's time loading the averaged state (persistent engine)
 * @param confusion    test images by true label (row) and predicted label (column), 10 x 10
 */
public record EpochRecord(
        String experiment,
        String trialId,
        String runId,
        int epoch,
        double trainLoss,
        double testLoss,
        double testAccuracy,
        long testCorrect,
        long testImages,
        long trainImages,
        double seconds,
        double imagesPerSecond,
        double fitSeconds,
        double dataSeconds,
        double setupSeconds,
        long[][] confusion) {

    static final Columns<EpochRecord> COLUMNS = new Columns<>(
            column("experiment", StringType, EpochRecord::experiment),
            column("trial_id", StringType, EpochRecord::trialId),
            column("run_id", StringType, EpochRecord::runId),
            column("epoch", IntegerType, EpochRecord::epoch),
            column("train_loss", DoubleType, EpochRecord::trainLoss),
            column("test_loss", DoubleType, EpochRecord::testLoss),
            column("test_accuracy", DoubleType, EpochRecord::testAccuracy),
            column("test_correct", LongType, EpochRecord::testCorrect),
            column("test_images", LongType, EpochRecord::testImages),
            column("train_images", LongType, EpochRecord::trainImages),
            column("seconds", DoubleType, EpochRecord::seconds),
            column("images_per_second", DoubleType, EpochRecord::imagesPerSecond),
            nullable("fit_seconds", DoubleType, EpochRecord::fitSeconds),
            nullable("data_seconds", DoubleType, EpochRecord::dataSeconds),
            nullable("setup_seconds", DoubleType, EpochRecord::setupSeconds),
            nullable(
                    "confusion",
                    DataTypes.createArrayType(DataTypes.createArrayType(LongType, false), false),
                    r -> Arrays.stream(r.confusion())
                            .map(row -> Arrays.stream(row).boxed().toList())
                            .toList()));

    public static final StructType SCHEMA = COLUMNS.schema();
}
