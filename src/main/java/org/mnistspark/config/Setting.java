package org.mnistspark.config;

import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * One declared setting: its HOCON key, its command-line option, its built-in default, the rule its
 * values must meet and its help text. Everything about a setting is said here, once; {@link ConfParser}
 * reads it and the command line offers it. A grid setting holds a list of values, and the sweep trains
 * every combination of the grids' values ({@link Grid}).
 *
 * @param <T> the value's Java type: the element type for single settings, a {@code List} of it for grids
 */
public final class Setting<T> {
    /** How one HOCON value becomes an element: numbers and booleans may also come as text (the command line's). */
    public record Type<E>(String expected, String label, Function<Object, E> convert, Class<E> javaType) {}

    public static final Type<Integer> INT =
            new Type<>("an integer", "N", o -> Math.toIntExact(toLong(o)), Integer.class);
    public static final Type<Long> LONG = new Type<>("an integer", "N", Setting::toLong, Long.class);
    public static final Type<Double> DOUBLE = new Type<>("a number", "X", Setting::toDouble, Double.class);
    public static final Type<String> TEXT = new Type<>("a string", "TEXT", Setting::toText, String.class);
    public static final Type<String> PATH = new Type<>("a string", "PATH", Setting::toText, String.class);
    public static final Type<Boolean> BOOLEAN = new Type<>("true or false", "BOOL", Setting::toBoolean, Boolean.class);

    /**
     * One of an enum's constants, written as its lower-case name ({@code sgd}); the constants' {@code toString}
     * must give that name, which is the value in files, trial ids and the results table. A name that is none
     * of them reads as null, which {@link #oneOf}'s rule refuses with the names listed.
     */
    public static <E extends Enum<E>> Type<E> choice(Class<E> type) {
        E[] constants = type.getEnumConstants();
        return new Type<>(
                "a string",
                "NAME",
                o -> {
                    if (type.isInstance(o)) {
                        return type.cast(o);
                    }
                    String text = toText(o).trim();
                    return Arrays.stream(constants)
                            .filter(c -> c.toString().equals(text))
                            .findFirst()
                            .orElse(null);
                },
                type);
    }

    /** The rule of a {@link #choice}: "must be sgd, nesterov or adam". */
    public static String oneOf(Class<? extends Enum<?>> type) {
        List<String> names =
                Arrays.stream(type.getEnumConstants()).map(String::valueOf).toList();
        return "must be " + String.join(", ", names.subList(0, names.size() - 1)) + " or "
                + names.get(names.size() - 1);
    }

    private final String key;
    private final String option;
    private final String help;
    private final boolean grid;
    private final Type<?> type;
    private final Object defaultValue;
    private final Predicate<Object> valid;
    private final String rule;

    @SuppressWarnings("unchecked")
    private <E> Setting(
            String key,
            String option,
            boolean grid,
            Type<E> type,
            Object defaultValue,
            Predicate<E> valid,
            String rule,
            String help) {
        this.key = key;
        this.option = option;
        this.grid = grid;
        this.type = type;
        this.defaultValue = hocon(defaultValue);
        this.valid = v -> valid.test((E) v);
        this.rule = rule;
        this.help = help;
    }

    /** A setting with one value. */
    public static <E> Setting<E> single(
            String key, String option, Type<E> type, E defaultValue, Predicate<E> valid, String rule, String help) {
        return new Setting<>(key, option, false, type, defaultValue, valid, rule, help);
    }

    /** A grid: one value or a list of them, each meeting the rule. */
    public static <E> Setting<List<E>> grid(
            String key,
            String option,
            Type<E> type,
            List<E> defaultValue,
            Predicate<E> valid,
            String rule,
            String help) {
        return new Setting<>(key, option, true, type, List.copyOf(defaultValue), valid, rule, help);
    }

    public String key() {
        return key;
    }

    /** The command-line option, for example {@code --epochs}. */
    public String option() {
        return option;
    }

    public boolean isGrid() {
        return grid;
    }

    public boolean isFlag() {
        return type == BOOLEAN && !grid;
    }

    /** The default as HOCON takes it (a String, Number, Boolean or a List of them). */
    Object defaultValue() {
        return defaultValue;
    }

    /** The option's parameter, for usage lines: {@code N} or {@code N[,N...]}. */
    public String paramLabel() {
        return grid ? type.label() + "[," + type.label() + "...]" : type.label();
    }

    /** The help text alone, without the grid marker and the default. */
    public String help() {
        return help;
    }

    /** What a value must meet, as an error says it ({@code must be at least 1}); empty when any value does. */
    public String rule() {
        return rule;
    }

    /** The default as typed after the option: a grid's values joined by commas, {@code ""} for empty text. */
    public String defaultText() {
        String shown = defaultValue instanceof List<?> list
                ? list.stream().map(String::valueOf).collect(Collectors.joining(","))
                : String.valueOf(defaultValue);
        return shown.isEmpty() ? "\"\"" : shown;
    }

    /** Help text with the grid marker and the default, for {@code --help}. */
    public String description() {
        return help + (grid ? " Grid." : "") + " Default: " + defaultText() + ".";
    }

    /**
     * The HOCON setting for what was typed after the option: each comma-separated value of a grid
     * becomes a list element; everything is quoted, so "007" stays text and numbers are converted
     * (and checked) when read.
     */
    public String override(String typed) {
        if (!grid) {
            return key + "=" + ConfigUtil.quoteString(typed);
        }
        List<String> values = new ArrayList<>();
        for (String value : typed.split(",", -1)) {
            values.add(ConfigUtil.quoteString(value.trim()));
        }
        return key + "=[" + String.join(",", values) + "]";
    }

    /**
     * The typed value of a HOCON value.
     *
     * @throws IllegalArgumentException saying what is wrong, without the key (the caller adds it)
     */
    @SuppressWarnings("unchecked")
    T read(ConfigValue value) {
        if (!grid) {
            return (T) check(element(value.unwrapped(), type.expected()));
        }
        List<Object> values = new ArrayList<>();
        if (value.valueType() == ConfigValueType.LIST) {
            for (Object element : (List<?>) value.unwrapped()) {
                values.add(element(element, "each value of the list to be " + type.expected()));
            }
            if (values.isEmpty()) {
                throw new IllegalArgumentException("the grid is empty; give at least one value");
            }
        } else {
            values.add(element(value.unwrapped(), type.expected() + " or a list of them"));
        }
        for (Object v : values) {
            check(v, values.size() > 1 ? v + " " : "");
        }
        if (values.stream().distinct().count() != values.size()) {
            throw new IllegalArgumentException("a grid value is listed twice");
        }
        return (T) List.copyOf(values);
    }

    /** HOCON takes strings, numbers, booleans and lists of them: an enum constant becomes its name. */
    private static Object hocon(Object value) {
        if (value instanceof List<?> list) {
            return list.stream().map(Setting::hocon).toList();
        }
        return value instanceof Enum<?> ? value.toString() : value;
    }

    /** The element type: what one value of this setting (one value of a grid) is. */
    public Type<?> type() {
        return type;
    }

    /**
     * One value of this setting (one element of a grid), converted and checked by the same rule as a value
     * in the file: how a search's drawn values and distribution bounds are checked.
     *
     * @throws IllegalArgumentException saying what is wrong, without the key (the caller adds it)
     */
    Object element(Object raw) {
        return check(element(raw, type.expected()));
    }

    private Object element(Object unwrapped, String expected) {
        try {
            return type.convert().apply(unwrapped);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("expected " + expected);
        }
    }

    private Object check(Object value) {
        return check(value, "");
    }

    private Object check(Object value, String prefix) {
        if (!valid.test(value)) {
            throw new IllegalArgumentException(prefix + rule);
        }
        return value;
    }

    @Override
    public String toString() {
        return key;
    }

    private static String toText(Object o) {
        if (o instanceof String s) return s;
        if (o instanceof Number || o instanceof Boolean) return String.valueOf(o);
        throw new IllegalArgumentException();
    }

    private static long toLong(Object o) {
        if (o instanceof Integer || o instanceof Long) return ((Number) o).longValue();
        if (o instanceof String s) return Long.parseLong(s.trim());
        throw new IllegalArgumentException();
    }

    private static double toDouble(Object o) {
        if (o instanceof Number n) return n.doubleValue();
        if (o instanceof String s) return Double.parseDouble(s.trim());
        throw new IllegalArgumentException();
    }

    private static boolean toBoolean(Object o) {
        if (o instanceof Boolean b) return b;
        if (o instanceof String s && Arrays.asList("true", "false").contains(s.trim()))
            return Boolean.parseBoolean(s.trim());
        throw new IllegalArgumentException();
    }
}
