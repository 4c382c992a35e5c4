package org.mnistspark.config;

import static org.mnistspark.config.Setting.DOUBLE;

import java.util.List;

/** Input normalization: {@code (pixel / 255 - mean) / std}, the seed's. */
public record NormalizationOptions(double mean, double std) {

    static final Setting<Double> MEAN = Setting.single(
            "normalization.mean",
            "--normalization-mean",
            DOUBLE,
            0.1307,
            Double::isFinite,
            "must be a finite number",
            "Subtracted from every pixel scaled to [0, 1].");
    static final Setting<Double> STD = Setting.single(
            "normalization.std",
            "--normalization-std",
            DOUBLE,
            0.3081,
            s -> s > 0 && Double.isFinite(s),
            "must be positive",
            "Divides every pixel after the mean is subtracted.");

    static final List<Setting<?>> SETTINGS = List.of(MEAN, STD);

    static NormalizationOptions read(ConfParser p) {
        return new NormalizationOptions(p.get(MEAN), p.get(STD));
    }
}
