package org.mnistspark.config;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

/**
 * How a search draws one grid key's value, as its {@code search.space} block declares it:
 * {@code choice = [a, b, ...]}, {@code uniform = [low, high]}, {@code log-uniform = [low, high]} or
 * {@code int-uniform = [low, high]} (both bounds included). A grid key the block does not name keeps
 * its grid values: one value is {@link Fixed}, several are a {@link Choice} among them.
 *
 * <p>A draw is a raw value; the key's {@link Setting} converts it and checks it with the grid's rule.
 * Drawn decimals are rounded to 4 significant digits (and kept within the bounds), so that tables and
 * trial ids show {@code 0.001873}, not {@code 0.0018732942617305}.
 */
public sealed interface Distribution {
    String CHOICE = "choice";
    String UNIFORM = "uniform";
    String LOG_UNIFORM = "log-uniform";
    String INT_UNIFORM = "int-uniform";
    /** The distributions a search block may declare. */
    List<String> KINDS = List.of(CHOICE, UNIFORM, LOG_UNIFORM, INT_UNIFORM);

    /** The next value; a {@link Fixed} one draws nothing, so fixing a key does not shift the others' draws. */
    Object draw(SplittableRandom random);

    /** Its first value (a choice's first, a range's low bound): what adam records as momentum, which it ignores. */
    Object first();

    /** As the search block writes it. */
    String describe();

    /** One of the values, each as likely. */
    record Choice(List<?> values) implements Distribution {
        public Choice {
            values = List.copyOf(values);
        }

        @Override
        public Object draw(SplittableRandom random) {
            return values.get(random.nextInt(values.size()));
        }

        @Override
        public Object first() {
            return values.get(0);
        }

        @Override
        public String describe() {
            return CHOICE + " " + values.stream().map(String::valueOf).collect(Collectors.joining(", ", "[", "]"));
        }
    }

    /** Uniform between the bounds. */
    record Uniform(double low, double high) implements Distribution {
        @Override
        public Object draw(SplittableRandom random) {
            return rounded(low + (high - low) * random.nextDouble(), low, high);
        }

        @Override
        public Object first() {
            return low;
        }

        @Override
        public String describe() {
            return UNIFORM + " [" + low + ", " + high + "]";
        }
    }

    /** Uniform in the logarithm between the bounds, both positive: as likely in [0.001, 0.01] as in [0.01, 0.1]. */
    record LogUniform(double low, double high) implements Distribution {
        @Override
        public Object draw(SplittableRandom random) {
            double log = Math.log(low) + (Math.log(high) - Math.log(low)) * random.nextDouble();
            return rounded(Math.exp(log), low, high);
        }

        @Override
        public Object first() {
            return low;
        }

        @Override
        public String describe() {
            return LOG_UNIFORM + " [" + low + ", " + high + "]";
        }
    }

    /** An integer between the bounds, both included, each as likely. */
    record IntUniform(long low, long high) implements Distribution {
        @Override
        public Object draw(SplittableRandom random) {
            return high == Long.MAX_VALUE ? random.nextLong(low, high) : random.nextLong(low, high + 1);
        }

        @Override
        public Object first() {
            return low;
        }

        @Override
        public String describe() {
            return INT_UNIFORM + " [" + low + ", " + high + "]";
        }
    }

    /** A grid key with one value, which a search leaves as it is. */
    record Fixed(Object value) implements Distribution {
        @Override
        public Object draw(SplittableRandom random) {
            return value;
        }

        @Override
        public Object first() {
            return value;
        }

        @Override
        public String describe() {
            return String.valueOf(value);
        }
    }

    private static double rounded(double value, double low, double high) {
        double r = new BigDecimal(value).round(new MathContext(4)).doubleValue();
        return Math.max(low, Math.min(high, r));
    }
}
