package org.mnistspark.inference;

import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** A selected trial's model zip, read from its {@code model_path}: any Hadoop path. */
public final class ModelFile {
    private ModelFile() {}

    /** The zip's bytes; a {@link FileNotFoundException} naming the run and the path if it is gone. */
    static byte[] read(SelectedModel model, Configuration hadoop) throws IOException {
        Path path = new Path(model.modelPath());
        FileSystem fs = path.getFileSystem(hadoop);
        if (!fs.exists(path)) {
            throw new FileNotFoundException(
                    "the model of " + model.describe() + " is gone: " + model.modelPath() + " does not exist");
        }
        try (InputStream in = fs.open(path)) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            in.transferTo(bytes);
            return bytes.toByteArray();
        }
    }

    /** The model restored in this JVM, with the trial's normalization. */
    public static DigitModel load(SelectedModel model, Configuration hadoop) throws IOException {
        return restore(model, read(model, hadoop));
    }

    static DigitModel restore(SelectedModel model, byte[] zip) {
        return DigitModel.restore(
                zip,
                model.normalizationMean(),
                model.normalizationStd(),
                "the model of " + model.describe() + " (" + model.modelPath() + ")");
    }
}
