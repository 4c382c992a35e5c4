package org.mnistspark.training;

import org.deeplearning4j.core.loader.DataSetLoader;
import org.mnistspark.model.NativeRuntime;
import org.nd4j.common.loader.Source;
import org.nd4j.linalg.dataset.DataSet;

import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;

/**
 * Loads one minibatch file on an executor. Besides loading, it is the first piece of this job's code an
 * executor deserializes for a training task, so it configures ND4J there (see {@link NativeRuntime})
 * before DL4J builds the worker's network.
 */
final class MinibatchLoader implements DataSetLoader {
    private static final long serialVersionUID = 1L;

    @Override
    public DataSet load(Source source) throws IOException {
        DataSet minibatch = new DataSet();
        try (InputStream in = source.getInputStream()) {
            minibatch.load(in);
        }
        return minibatch;
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        NativeRuntime.configure();
        in.defaultReadObject();
    }
}
