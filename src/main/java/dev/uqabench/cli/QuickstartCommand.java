package dev.uqabench.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code uqabench quickstart}: the whole protocol on built-in synthetic data. */
@Command(name = "quickstart", mixinStandardHelpOptions = true,
        description = "Run the whole UQABench protocol on built-in synthetic data into runs/quickstart/.")
public final class QuickstartCommand implements Callable<Integer> {

    @Option(names = "--run-dir", description = "Run folder (default: ${DEFAULT-VALUE}).", defaultValue = "runs/quickstart")
    Path runDir;

    @Option(names = "--config", description = "YAML or JSON file overriding sizes and seeds.")
    Path config;

    @Option(names = "--force", description = "Redo every stage even when a finished one matches.")
    boolean force;

    @Option(names = "--quiet", description = "Only print the results table.")
    boolean quiet;

    @Override
    public Integer call() {
        return dev.uqabench.run.Quickstart.run(runDir, config, force, quiet) ? 0 : 1;
    }
}
