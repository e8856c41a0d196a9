package dev.uqabench.cli;

import dev.uqabench.base.ConfigReference;
import dev.uqabench.run.RunConfig;
import dev.uqabench.study.StudyConfig;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code uqabench config --defaults}: every config key with its default and type, read from the config records. */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = "Print every key a --config file may set, with its default and type (meanings: docs/CONFIG.md).")
public final class ConfigCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--defaults", description = "print the keys of quickstart and study configs with their defaults")
    boolean defaults;

    @Override
    public Integer call() {
        if (!defaults) {
            throw new ParameterException(spec.commandLine(), "say what to print: --defaults");
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(text(key -> ""));
        out.flush();
        return 0;
    }

    /** The reference: the quickstart's keys (also a study's {@code base:}) and the study's own. */
    public static String text(java.util.function.Function<ConfigReference.Key, String> meaning) {
        return "## quickstart --config (and a study's `base:`)\n\nKeys are snake_case; enum values lower-case. A key left"
                + " out keeps its default.\n\n" + ConfigReference.markdown(ConfigReference.keys(RunConfig.quickstart()), meaning)
                + "\n## study --config\n\n" + ConfigReference.markdown(
                        ConfigReference.keys(StudyConfig.quick()).stream().filter(k -> !k.path().startsWith("base.")).toList(),
                        meaning);
    }
}
