package org.mnistspark.inference;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Function;

/** Lazy batching for partition iterators: a partition is never held in memory whole. */
final class Batches {
    private Batches() {}

    /** {@code source} in lists of up to {@code size}, each mapped by {@code batch} to its results, flattened. */
    static <I, O> Iterator<O> map(Iterator<I> source, int size, Function<List<I>, List<O>> batch) {
        return new Iterator<>() {
            private Iterator<O> current = Collections.emptyIterator();

            @Override
            public boolean hasNext() {
                while (!current.hasNext() && source.hasNext()) {
                    List<I> inputs = new ArrayList<>(size);
                    while (inputs.size() < size && source.hasNext()) {
                        inputs.add(source.next());
                    }
                    current = batch.apply(inputs).iterator();
                }
                return current.hasNext();
            }

            @Override
            public O next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return current.next();
            }
        };
    }
}
