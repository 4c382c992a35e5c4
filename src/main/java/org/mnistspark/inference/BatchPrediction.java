package org.mnistspark.inference;

import static org.apache.spark.sql.functions.lit;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.stream.IntStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.mnistspark.results.ResultsTable;

/**
 * The predict job: a trial's model applied to images on Spark, written as a Parquet table.
 *
 * <p>The driver resolves the model selector in the results table, reads the model's zip once from its
 * {@code model_path} (any Hadoop path), checks it by restoring it, and broadcasts its bytes: executors
 * fetch them once and restore the model once per JVM. Each task predicts its partition in batches with
 * the normalization the trial recorded. The output has one row per image: its key ({@code index} in
 * the IDX file, or the input table's id column), {@code predicted_label}, {@code probabilities} (10
 * floats), {@code true_label} (null when unknown), and the model's {@code run_id}, {@code trial_id} and
 * {@code experiment}. It is committed whole or not at all ({@link AtomicOutput}).
 */
public final class BatchPrediction {
    /** Images per batch by default: test evaluation's minibatch, so IDX batches are the very same. */
    public static final int DEFAULT_BATCH = 500;

    /**
     * What to predict.
     *
     * @param limit       the first N images of an IDX input; 0 for all
     * @param partitions  tasks for an IDX input (0: Spark's default parallelism); a Parquet input is
     *                    repartitioned to it when it is not 0
     * @param labelColumn null: "label" if the table has one
     */
    public record Request(
            ModelSelection model,
            String images,
            String output,
            int limit,
            int batchSize,
            int partitions,
            String idColumn,
            String pixelsColumn,
            String labelColumn) {}

    private final SparkSession spark;
    private final String resultsLocation;

    public BatchPrediction(SparkSession spark, String resultsLocation) {
        this.spark = spark;
        this.resultsLocation = resultsLocation;
    }

    public PredictionSummary run(Request request) throws IOException {
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        SelectedModel model = request.model().resolve(new ResultsTable(spark, resultsLocation));

        Path imagesPath = new Path(request.images());
        FileSystem imagesFs = imagesPath.getFileSystem(hadoop);
        Path images = imagesFs.makeQualified(imagesPath);
        if (!imagesFs.exists(images)) {
            throw new FileNotFoundException("--images not found: " + images);
        }
        Path outputPath = new Path(request.output());
        AtomicOutput output = new AtomicOutput(outputPath.getFileSystem(hadoop), outputPath);
        checkApart(images, output.target());
        output.checkReplaceable();

        byte[] zip = ModelFile.read(model, hadoop);
        DigitModel restored = ModelFile.restore(model, zip); // a clear error here, not in every task

        Path idx = IdxInput.locate(imagesFs, images);
        Images idxImages = idx == null ? null : IdxInput.read(imagesFs, idx, request.limit(), hadoop);
        ParquetInput table = idx != null
                ? null
                : ParquetInput.open(
                        spark, images.toString(), request.idColumn(), request.pixelsColumn(), request.labelColumn());
        String input = idx != null ? idx.toString() : "the Parquet table " + images;
        if (table != null) {
            table.checkRows();
        }

        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<byte[]> zipBroadcast = sc.broadcast(zip);
        ExecutorModels.put(zipBroadcast, restored);
        Broadcast<Images> imagesBroadcast = idxImages == null ? null : sc.broadcast(idxImages);
        output.prepare();
        try {
            String source = "the model of " + model.describe();
            JavaRDD<Row> rows;
            StructField key;
            if (idxImages != null) {
                int batches = (idxImages.count() + request.batchSize() - 1) / request.batchSize();
                int partitions = request.partitions() > 0 ? request.partitions() : sc.defaultParallelism();
                rows = sc.parallelize(
                                IntStream.range(0, batches).boxed().toList(),
                                Math.max(1, Math.min(partitions, batches)))
                        .mapPartitions(new IdxPredictor(
                                zipBroadcast,
                                model.normalizationMean(),
                                model.normalizationStd(),
                                request.batchSize(),
                                source,
                                imagesBroadcast));
                key = new StructField("index", DataTypes.LongType, false, org.apache.spark.sql.types.Metadata.empty());
            } else {
                Dataset<Row> in = request.partitions() > 0 ? table.rows.repartition(request.partitions()) : table.rows;
                rows = in.javaRDD()
                        .mapPartitions(new ParquetPredictor(
                                zipBroadcast,
                                model.normalizationMean(),
                                model.normalizationStd(),
                                request.batchSize(),
                                source,
                                table.reader()));
                key = table.id;
            }
            Dataset<Row> predictions = spark.createDataFrame(rows, schema(key))
                    .withColumn("run_id", lit(model.runId()))
                    .withColumn("trial_id", lit(model.trialId()))
                    .withColumn("experiment", lit(model.experiment()));
            sc.setJobDescription("predict with " + model.describe());
            long started = System.nanoTime();
            predictions.write().parquet(output.staging().toString());
            double seconds = (System.nanoTime() - started) / 1e9;
            sc.setJobDescription(null);

            Dataset<Row> written = spark.read().parquet(output.staging().toString());
            long count = 0;
            long[][] confusion = new long[10][10];
            for (Row cell :
                    written.groupBy("true_label", "predicted_label").count().collectAsList()) {
                count += cell.getLong(2);
                if (!cell.isNullAt(0)) {
                    confusion[cell.getInt(0)][cell.getInt(1)] += cell.getLong(2);
                }
            }
            output.commit("model: " + model.describe() + "\nmodel_path: " + model.modelPath() + "\nimages: " + input
                    + "\nrows: " + count + "\n");
            return new PredictionSummary(model, input, output.target().toString(), count, seconds, confusion);
        } catch (Exception e) {
            output.abort(e);
            InvalidInputException invalid = InvalidInputException.findIn(e);
            if (invalid != null) { // a bad row, reported from its task through Spark's wrappers
                throw new InvalidInputException(invalid.getMessage());
            }
            throw e;
        } finally {
            ExecutorModels.remove(zipBroadcast);
            zipBroadcast.destroy();
            if (imagesBroadcast != null) {
                imagesBroadcast.destroy();
            }
        }
    }

    /** The output table's columns before the model's ids. */
    static StructType schema(StructField key) {
        return new StructType(new StructField[] {
            key,
            DataTypes.createStructField("predicted_label", DataTypes.IntegerType, false),
            DataTypes.createStructField("probabilities", DataTypes.createArrayType(DataTypes.FloatType, false), false),
            DataTypes.createStructField("true_label", DataTypes.IntegerType, true)
        });
    }

    /** The output must not be the input, nor inside it, nor hold it: replacing it would delete the images. */
    private static void checkApart(Path images, Path output) {
        String in = images.toString() + "/";
        String out = output.toString() + "/";
        if (in.startsWith(out) || out.startsWith(in)) {
            throw new InvalidInputException(
                    "--output " + output + " overlaps --images " + images + ": write the predictions elsewhere");
        }
    }
}
