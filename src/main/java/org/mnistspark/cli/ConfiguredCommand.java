package org.mnistspark.cli;

import java.util.List;
import java.util.concurrent.Callable;
import org.mnistspark.config.Setting;

/**
 * A subcommand that reads the configuration: it takes {@code --conf}, {@code --set} and an option per
 * setting it uses ({@link MnistSpark} adds them), and runs with the {@link MnistSpark.Context}.
 */
abstract class ConfiguredCommand implements Callable<Integer> {
    final MnistSpark.Context context;
    final SettingOptions options = new SettingOptions();
    /** The declared settings offered as options (any setting may still come through --set or --conf). */
    final List<Setting<?>> settings;

    ConfiguredCommand(MnistSpark.Context context, List<Setting<?>> settings) {
        this.context = context;
        this.settings = settings;
    }
}
