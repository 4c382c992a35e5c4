package org.mnistspark.results;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.mnistspark.storage.Storage;

/**
 * The trained models the {@code trials} table points to ({@code model_path}): one DL4J zip per trial
 * run, {@code <location>/<experiment>/<trial>-<run>.zip} on any Hadoop path. A model file is whole or
 * absent, and it goes when the row naming it goes.
 */
public final class ModelStore {
    private final String location;
    private final Configuration hadoop;

    /** @param location the models folder; "" keeps no models */
    public ModelStore(String location, Configuration hadoop) {
        this.location = location;
        this.hadoop = hadoop;
    }

    public boolean keepsModels() {
        return !location.isBlank();
    }

    /** Fails now, naming the folder, if models cannot be written there: better than after training. */
    public void checkWritable() throws IOException {
        if (keepsModels()) {
            Path dir = new Path(location);
            Storage.checkWritable(dir.getFileSystem(hadoop), dir);
        }
    }

    /** Saves the network (without its updater state); returns the model's qualified path, or null if none are kept. */
    public String save(MultiLayerNetwork network, String experiment, String trialId, String runId) throws IOException {
        return save(network, experiment, trialId, runId, false);
    }

    /**
     * Saves the network, with its updater state (momentum, Adam's moments) if {@code withUpdater}, so that
     * {@link #load} gives a network that trains on as if it had never stopped; returns the model's
     * qualified path, or null if none are kept.
     */
    public String save(MultiLayerNetwork network, String experiment, String trialId, String runId, boolean withUpdater)
            throws IOException {
        if (!keepsModels()) {
            return null;
        }
        Path dir = new Path(new Path(location), experiment.replaceAll("[^A-Za-z0-9._-]", "_"));
        FileSystem fs = dir.getFileSystem(hadoop);
        Path target = fs.makeQualified(new Path(dir, trialId + "-" + runId + ".zip"));
        Storage.writeThenRename(fs, target, out -> ModelSerializer.writeModel(network, out, withUpdater));
        return target.toString();
    }

    /** The network a row names, with its updater state when it was saved with it. */
    public MultiLayerNetwork load(String modelPath) throws IOException {
        Path path = new Path(modelPath);
        try (java.io.InputStream in = path.getFileSystem(hadoop).open(path)) {
            return ModelSerializer.restoreMultiLayerNetwork(in, true);
        }
    }

    /**
     * Deletes the model of a trial whose rows could not be committed (no row will name it); an error of
     * the delete is attached to {@code failure}. Does nothing for a null path (no model was kept).
     */
    public void discard(String modelPath, Throwable failure) {
        if (modelPath == null) {
            return;
        }
        try {
            Path path = new Path(modelPath);
            Storage.deleteKeepingCause(path.getFileSystem(hadoop), path, false, failure);
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    /** Deletes a model named by a row (a path this store or an earlier run wrote). */
    public static void delete(String modelPath, Configuration hadoop) throws IOException {
        Path path = new Path(modelPath);
        path.getFileSystem(hadoop).delete(path, false);
    }
}
