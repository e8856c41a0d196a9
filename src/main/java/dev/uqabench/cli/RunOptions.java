package dev.uqabench.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options every command that runs stages into a run folder shares (a picocli mixin). */
final class RunOptions {

    @Option(names = "--config", description = "YAML or JSON file overriding sizes and seeds; keys in snake_case, "
            + "enum values in lower case (e.g. pretrain: {batch_size: 16, loss: sampled_softmax}); every key: "
            + "uqabench config --defaults, docs/CONFIG.md.")
    Path config;

    @Option(names = "--force", description = "Redo every stage even when a finished one matches.")
    boolean force;

    @Option(names = "--quiet", description = "Only print the results.")
    boolean quiet;

    @Option(names = "--data", description = "A UQABench release-layout folder to use instead of the synthetic data.")
    String data;

    @Option(names = "--feature-tokenizer", description = "tokenizer.json (or its folder) that made the data's BPE ids.")
    String featureTokenizer;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu (default), cuda or cuda:N.")
    String device;

    /** Refuses a device this build cannot use (before anything runs). */
    void requireDevice() {
        dev.uqabench.tensor.Devices.require(device);
    }
}
