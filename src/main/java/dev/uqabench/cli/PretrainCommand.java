package dev.uqabench.cli;

import dev.uqabench.base.ConfigException;
import dev.uqabench.base.UqaException;
import dev.uqabench.run.PretrainJob;
import dev.uqabench.run.Sources;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code uqabench pretrain}: the data and pretrain stages alone; data-parallel under {@code uqabench launch}. */
@Command(name = "pretrain", mixinStandardHelpOptions = true,
        description = "Pretrain the user encoder of a run folder (its data stage first, when it makes the data). "
                + "Runs data-parallel over the ranks RANK/WORLD_SIZE/MASTER_ADDR/MASTER_PORT name, as set by "
                + "'uqabench launch' or torchrun-style launchers.")
public final class PretrainCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--run-dir", description = "Run folder (default: ${DEFAULT-VALUE}).", defaultValue = "runs/pretrain")
    Path runDir;

    @Mixin
    RunOptions run;

    @Override
    public Integer call() {
        run.requireDevice();
        Sources overrides;
        try {
            overrides = new Sources(run.data, run.featureTokenizer, null, null);
        } catch (ConfigException e) {
            throw new UqaException(e.getMessage(), e);
        }
        Map<String, Object> metrics = PretrainJob.run(runDir, run.config, run.force, run.quiet, overrides);
        if (!metrics.isEmpty()) {
            StringBuilder line = new StringBuilder();
            for (String key : new String[] {"best_epoch", "recall@10", "ndcg@10", "test_recall@10", "test_ndcg@10", "steps",
                    "train_seconds"}) {
                Object value = metrics.get(key);
                if (value != null) {
                    line.append(line.length() == 0 ? "" : "  ").append(key).append(' ')
                            .append(value instanceof Double d ? String.format(Locale.ROOT, "%.4f", d) : value);
                }
            }
            spec.commandLine().getOut().println(line);
            spec.commandLine().getOut().flush();
        }
        return 0;
    }
}
