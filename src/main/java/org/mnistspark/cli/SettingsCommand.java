package org.mnistspark.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.mnistspark.config.SearchOptions;
import org.mnistspark.config.Setting;
import org.mnistspark.config.SweepConfig;
import picocli.CommandLine.Command;

/**
 * Prints the settings reference as Markdown, from the settings' declarations: docs/settings.md is this
 * command's output ({@code SettingsReferenceTest} keeps the two equal).
 */
@Command(
        name = "settings",
        mixinStandardHelpOptions = true,
        description = {
            "Prints every setting (the sweep's and a tuning job's search block) as Markdown: key, option, "
                    + "default, grid or not, rule and help, from their declarations. docs/settings.md is its output: "
                    + "submit/local.sh settings > docs/settings.md"
        })
final class SettingsCommand implements Callable<Integer> {
    static final String REGENERATE = "submit/local.sh settings > docs/settings.md";

    private final MnistSpark.Context context;

    SettingsCommand(MnistSpark.Context context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        context.out().print(markdown());
        context.out().flush();
        return 0;
    }

    /** The whole reference: the sweep's settings grouped by their keys' first part, then the search block's. */
    static String markdown() {
        StringBuilder out = new StringBuilder();
        out.append("# Settings reference\n\n")
                .append(
                        "<!-- Generated from the settings' declarations (org.mnistspark.config); do not edit by hand.\n")
                .append("     Regenerate: ")
                .append(REGENERATE)
                .append("\n")
                .append("     SettingsReferenceTest fails when this file differs from the command's output. -->\n\n")
                .append(
                        "Every setting of a sweep (`sweep`, or options alone) and of a tuning job (`tune`, which takes ")
                .append(
                        "all of them and its `search` block). Give one as its option (`--epochs 3`), as `--set key=value` ")
                .append(
                        "in HOCON syntax, or as its key in the HOCON file of `--conf`; the command line wins over the file ")
                .append(
                        "and the file over the default. A *grid* setting takes one value or a list (`--hidden-channels 2,5,10`, ")
                .append("or `[2, 5, 10]` in a file), and the sweep trains every combination of the grids' values. ")
                .append("A value that breaks its rule stops the job before Spark starts, naming the key and where it ")
                .append("came from. `COMMAND --help` lists the options a command takes.\n");
        Map<String, List<Setting<?>>> groups = new LinkedHashMap<>();
        for (Setting<?> setting : SweepConfig.SETTINGS) {
            String key = setting.key();
            groups.computeIfAbsent(key.contains(".") ? key.substring(0, key.indexOf('.')) : key, g -> new ArrayList<>())
                    .add(setting);
        }
        groups.forEach(
                (group, settings) -> table(out, "`" + group + (group.equals("experiment") ? "`" : ".*`"), settings));
        table(
                out,
                "`search.*`: a tuning job's search (`tune` only; its `search.space` block of distributions is "
                        + "described in [tuning.md](tuning.md))",
                SearchOptions.SETTINGS);
        return out.toString();
    }

    private static void table(StringBuilder out, String heading, List<Setting<?>> settings) {
        out.append("\n## ")
                .append(heading)
                .append("\n\n")
                .append("| key | option | default | grid | rule | help |\n")
                .append("|---|---|---|---|---|---|\n");
        for (Setting<?> s : settings) {
            String option = s.isFlag() ? s.option() : s.option() + " " + s.paramLabel();
            out.append("| `")
                    .append(s.key())
                    .append("` | `")
                    .append(option)
                    .append("` | `")
                    .append(s.defaultText())
                    .append("` | ")
                    .append(s.isGrid() ? "grid" : "-")
                    .append(" | ")
                    .append(cell(s.rule().isEmpty() ? "any value" : s.rule()))
                    .append(" | ")
                    .append(cell(s.help()))
                    .append(" |\n");
        }
    }

    /** Text that cannot break a Markdown table row. */
    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }
}
