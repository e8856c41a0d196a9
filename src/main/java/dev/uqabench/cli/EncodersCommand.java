package dev.uqabench.cli;

import dev.uqabench.encoder.EncoderRegistry;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code uqabench encoders}: the registered user encoders, their presets and parameter counts. */
@Command(name = "encoders", mixinStandardHelpOptions = true,
        description = "List user encoders, their presets and parameter counts (embedding tables excluded).")
public final class EncodersCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    private int maxLength = 512;

    @Option(names = "--max-length", defaultValue = "512",
            description = "Events read per user; sizes learned position tables (default: ${DEFAULT-VALUE}).")
    void setMaxLength(int value) {
        if (value <= 0) {
            throw new ParameterException(spec.commandLine(), "--max-length must be positive, got " + value);
        }
        maxLength = value;
    }

    @Override
    public Integer call() {
        System.out.print(EncoderRegistry.table(maxLength));
        return 0;
    }
}
