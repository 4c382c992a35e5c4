package org.mnistspark.config;

import java.util.List;
import java.util.Objects;

/**
 * One hyperparameter, declared once in {@link Hyperparameters}: its grid setting (key, option, default, rule,
 * help), its column in the {@code trials} table, its short name in chart legends, and how it enters a trial's
 * id. The grid, {@link TrialSpec} and its canonical line, the table's columns, the charts' legends and the
 * SQL select lists are all derived from these declarations.
 *
 * @param setting the grid setting; its element type is the value's type (an enum for a choice)
 * @param column  the column of the {@code trials} table (and of every view that shows hyperparameters)
 * @param label   the legend's name ("lr" in "lr=0.02"); empty: the value alone ("adam")
 * @param id      how the value enters the trial id; null: not at all (it is in the trial's setup instead)
 * @param <T>     the value's type
 */
public record Hyperparameter<T>(Setting<List<T>> setting, String column, String label, IdPart<T> id) {

    /**
     * A hyperparameter's part of {@link TrialSpec#canonical()}, the line a trial id is hashed from.
     *
     * @param position    its place in the line; never change it, nor reuse one
     * @param name        its name in the line ({@code lr} in {@code lr=0.01})
     * @param omittedWhen null: always printed (the hyperparameters of version 0.1.0). Otherwise the value every
     *                    trial had before this hyperparameter existed: that value prints nothing, so those
     *                    trials keep their ids.
     */
    public record IdPart<T>(int position, String name, T omittedWhen) {}

    public Hyperparameter {
        Objects.requireNonNull(setting, "setting");
        Objects.requireNonNull(column, "column");
        Objects.requireNonNull(label, "label");
    }

    /** The setting's key, for example {@code model.hidden-channels}. */
    public String key() {
        return setting.key();
    }

    /** The Java type of one value: Integer, Long, Double, String or an enum. */
    @SuppressWarnings("unchecked")
    public Class<T> valueType() {
        return (Class<T>) setting.type().javaType();
    }

    /** The default grid's first value: what a trial gets when the configuration does not say. */
    @SuppressWarnings("unchecked")
    public T defaultValue() {
        return (T) setting.type().convert().apply(((List<?>) setting.defaultValue()).get(0));
    }

    /** The value as it is stored in the table: an enum as its name, anything else as it is. */
    public Object columnValue(Object value) {
        return value instanceof Enum<?> ? value.toString() : value;
    }

    @Override
    public String toString() {
        return setting.key();
    }
}
