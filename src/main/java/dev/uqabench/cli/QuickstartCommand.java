package dev.uqabench.cli;

import dev.uqabench.base.ConfigException;
import dev.uqabench.base.UqaException;
import dev.uqabench.run.Sources;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code uqabench quickstart}: the whole protocol, on built-in synthetic data unless told otherwise. */
@Command(name = "quickstart", mixinStandardHelpOptions = true,
        description = "Run the whole UQABench protocol into runs/quickstart/: on built-in synthetic data and the built-in"
                + " tiny LLM, or on a release-layout folder (--data) and a Hugging Face LLM folder (--llm).")
public final class QuickstartCommand implements Callable<Integer> {

    @Option(names = "--run-dir", description = "Run folder (default: ${DEFAULT-VALUE}).", defaultValue = "runs/quickstart")
    Path runDir;

    @Mixin
    RunOptions run;

    @Option(names = "--llm", description = "A Hugging Face Qwen2/Llama folder to use instead of training the tiny LLM.")
    String llm;

    @Option(names = "--llm-dtype", description = "Compute dtype of --llm: fp32 or bf16.")
    String llmDtype;

    @Override
    public Integer call() {
        run.requireDevice();
        Sources overrides;
        try {
            overrides = new Sources(run.data, run.featureTokenizer, llm, llmDtype);
        } catch (ConfigException e) {
            throw new UqaException("--llm-dtype: " + e.problem(), e);
        }
        return dev.uqabench.run.Quickstart.run(runDir, run.config, run.force, run.quiet, overrides) ? 0 : 1;
    }
}
