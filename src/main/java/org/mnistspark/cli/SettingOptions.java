package org.mnistspark.cli;

import java.util.ArrayList;
import java.util.List;
import org.mnistspark.config.Setting;
import org.mnistspark.config.SweepConfig;
import org.mnistspark.config.TuneConfig;
import picocli.CommandLine.Model.ArgGroupSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The configuration options of a command: {@code --conf FILE}, {@code --set key=value}, and one option
 * per declared {@link Setting} (its name, parameter and help come from the declaration, so they are
 * said once). Every option becomes a HOCON setting in the order typed, so a later one wins; {@link #load()}
 * reads them with the file and the defaults into a {@link SweepConfig}.
 */
final class SettingOptions {
    private final List<String> overrides = new ArrayList<>();
    private String confFile;

    /** Adds {@code --conf}, {@code --set} and the settings' options, grouped under {@code heading}s. */
    SettingOptions addTo(CommandSpec command, List<Setting<?>> settings) {
        command.addOption(OptionSpec.builder("--conf")
                .paramLabel("FILE")
                .type(String.class)
                .description("HOCON settings, a local file or any Hadoop path (examples in conf/).")
                .setter(new Setter(value -> confFile = value))
                .build());
        command.addOption(OptionSpec.builder("--set")
                .paramLabel("KEY=VALUE")
                .type(String.class)
                .description("Any setting in HOCON syntax, for example --set 'model.hidden-channels=[2,5]'.")
                .setter(new Setter(overrides::add))
                .build());
        ArgGroupSpec.Builder group = null;
        String concern = null;
        for (Setting<?> setting : settings) {
            String prefix = setting.key().contains(".")
                    ? setting.key().substring(0, setting.key().indexOf('.'))
                    : "";
            if (group == null || !prefix.equals(concern)) {
                if (group != null) {
                    command.addArgGroup(group.build());
                }
                concern = prefix;
                group = ArgGroupSpec.builder()
                        .exclusive(false)
                        .multiplicity("0..*")
                        .headingKey(null)
                        .heading(heading(prefix) + "%n");
            }
            OptionSpec.Builder option = OptionSpec.builder(setting.option())
                    .type(String.class)
                    .description(setting.description())
                    .setter(new Setter(typed -> overrides.add(setting.override(typed))));
            if (setting.isFlag()) {
                option.arity("0..1").fallbackValue("true").paramLabel("true|false");
            } else {
                option.paramLabel(setting.paramLabel());
            }
            group.addArg(option.build());
        }
        if (group != null) {
            command.addArgGroup(group.build());
        }
        return this;
    }

    private static String heading(String concern) {
        return switch (concern) {
            case "" -> "Experiment:";
            case "data" -> "Data:";
            case "model" -> "Model (grids):";
            case "training" -> "Training:";
            case "normalization" -> "Normalization:";
            case "output" -> "Output:";
            case "search" -> "Search (search.space: the distributions, in the --conf file or with --set):";
            default -> concern + ":";
        };
    }

    /** The configuration: these options over the --conf file over the defaults. */
    SweepConfig load() {
        return SweepConfig.load(confFile, overrides);
    }

    /** A tuning job's configuration, its search block included: these options over the file over the defaults. */
    TuneConfig loadTune() {
        return TuneConfig.load(confFile, overrides);
    }

    /** picocli calls a setter once per occurrence of its option, in the order typed. */
    private record Setter(java.util.function.Consumer<String> consumer) implements picocli.CommandLine.Model.ISetter {
        @Override
        @SuppressWarnings("unchecked")
        public <T> T set(T value) {
            if (value != null) {
                consumer.accept((String) value);
            }
            return null;
        }
    }
}
