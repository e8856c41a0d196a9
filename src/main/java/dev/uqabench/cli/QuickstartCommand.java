package dev.uqabench.cli;

import dev.uqabench.base.ConfigException;
import dev.uqabench.base.UqaException;
import dev.uqabench.run.Sources;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code uqabench quickstart}: the whole protocol, on built-in synthetic data unless told otherwise. */
@Command(name = "quickstart", mixinStandardHelpOptions = true,
        description = "Run the whole UQABench protocol into runs/quickstart/: on built-in synthetic data and the built-in"
                + " tiny LLM, or on a release-layout folder (--data) and a Hugging Face LLM folder (--llm).")
public final class QuickstartCommand implements Callable<Integer> {

    @Option(names = "--run-dir", description = "Run folder (default: ${DEFAULT-VALUE}).", defaultValue = "runs/quickstart")
    Path runDir;

    @Option(names = "--config", description = "YAML or JSON file overriding sizes and seeds; keys in snake_case, "
            + "enum values in lower case (e.g. pretrain: {batch_size: 16, loss: sampled_softmax}); every key: "
            + "uqabench config --defaults, docs/CONFIG.md.")
    Path config;

    @Option(names = "--force", description = "Redo every stage even when a finished one matches.")
    boolean force;

    @Option(names = "--quiet", description = "Only print the results table.")
    boolean quiet;

    @Option(names = "--data", description = "A UQABench release-layout folder to use instead of the synthetic data.")
    String data;

    @Option(names = "--feature-tokenizer", description = "tokenizer.json (or its folder) that made the data's BPE ids.")
    String featureTokenizer;

    @Option(names = "--llm", description = "A Hugging Face Qwen2/Llama folder to use instead of training the tiny LLM.")
    String llm;

    @Option(names = "--llm-dtype", description = "Compute dtype of --llm: fp32 or bf16.")
    String llmDtype;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu (default), cuda or cuda:N.")
    String device;

    @Override
    public Integer call() {
        dev.uqabench.tensor.Devices.require(device);
        Sources overrides;
        try {
            overrides = new Sources(data, featureTokenizer, llm, llmDtype);
        } catch (ConfigException e) {
            throw new UqaException("--llm-dtype: " + e.problem(), e);
        }
        return dev.uqabench.run.Quickstart.run(runDir, config, force, quiet, overrides) ? 0 : 1;
    }
}
