package org.mnistspark.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sweep's grid: the values of every hyperparameter, in {@link Hyperparameters#ALL}'s order. Its trials
 * are the Cartesian product, later hyperparameters varying fastest.
 */
public record Grid(Map<Hyperparameter<?>, List<?>> values) {

    public Grid {
        Map<Hyperparameter<?>, List<?>> ordered = new LinkedHashMap<>();
        for (Hyperparameter<?> h : Hyperparameters.ALL) {
            ordered.put(h, List.copyOf(values.get(h)));
        }
        values = java.util.Collections.unmodifiableMap(ordered);
    }

    static Grid read(ConfParser p) {
        Map<Hyperparameter<?>, List<?>> values = new LinkedHashMap<>();
        Hyperparameters.ALL.forEach(h -> values.put(h, p.get(h.setting())));
        return new Grid(values);
    }

    /** The values of one hyperparameter. */
    @SuppressWarnings("unchecked")
    public <T> List<T> values(Hyperparameter<T> hyperparameter) {
        return (List<T>) values.get(hyperparameter);
    }

    /** Every combination, in a stable order: later hyperparameters vary fastest. */
    List<TrialSpec> product() {
        List<Map<Hyperparameter<?>, Object>> points = List.of(Map.of());
        for (Map.Entry<Hyperparameter<?>, List<?>> dimension : values.entrySet()) {
            List<Map<Hyperparameter<?>, Object>> next = new ArrayList<>();
            for (Map<Hyperparameter<?>, Object> point : points) {
                for (Object value : dimension.getValue()) {
                    Map<Hyperparameter<?>, Object> extended = new LinkedHashMap<>(point);
                    extended.put(dimension.getKey(), value);
                    next.add(extended);
                }
            }
            points = next;
        }
        return points.stream().map(TrialSpec::new).toList();
    }
}
