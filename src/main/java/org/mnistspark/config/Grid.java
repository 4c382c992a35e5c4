package org.mnistspark.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The Cartesian product of grid settings' values: later dimensions vary fastest. */
final class Grid {
    /** One combination: a value of every grid setting. */
    record Point(Map<Setting<?>, Object> values) {
        @SuppressWarnings("unchecked")
        <E> E get(Setting<List<E>> grid) {
            if (!values.containsKey(grid)) {
                throw new IllegalArgumentException(grid.key() + " is not a dimension of this grid");
            }
            return (E) values.get(grid);
        }
    }

    /** One dimension: a grid setting and its values. */
    record Dimension<E>(Setting<List<E>> setting, List<E> values) {}

    private Grid() {}

    static List<Point> product(List<Dimension<?>> dimensions) {
        List<Map<Setting<?>, Object>> points = List.of(Map.of());
        for (Dimension<?> dimension : dimensions) {
            List<Map<Setting<?>, Object>> next = new ArrayList<>();
            for (Map<Setting<?>, Object> point : points) {
                for (Object value : dimension.values()) {
                    Map<Setting<?>, Object> extended = new HashMap<>(point);
                    extended.put(dimension.setting(), value);
                    next.add(extended);
                }
            }
            points = next;
        }
        return points.stream().map(values -> new Point(Map.copyOf(values))).toList();
    }
}
