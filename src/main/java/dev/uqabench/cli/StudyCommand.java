package dev.uqabench.cli;

import dev.uqabench.base.ConfigLoader;
import dev.uqabench.study.Study;
import dev.uqabench.study.StudyConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code uqabench study}: a matrix of encoders, adapters, modes, feature sets, text baselines and sizes. */
@Command(name = "study", mixinStandardHelpOptions = true,
        description = "Run a study (encoders x adapters x alignment modes x features x text baselines x sizes) "
                + "into one run folder, reusing finished stages; writes study.csv, study.json, report.md and report.html.")
public final class StudyCommand implements Callable<Integer> {

    @Option(names = "--config", required = true, description = "Study config (YAML or JSON; keys in snake_case, enum values in lower case), "
            + "e.g. configs/quick.yaml.")
    Path config;

    @Option(names = "--run-dir", description = "Run folder (default: runs/<config file name>).")
    Path runDir;

    @Option(names = "--force", description = "Redo every stage.")
    boolean force;

    @Option(names = "--quiet", description = "Less progress output.")
    boolean quiet;

    @Override
    public Integer call() {
        if (dev.uqabench.dist.DistEnv.fromEnvironment().distributed()) {
            throw new dev.uqabench.base.UqaException("study runs in one process (its cells share the cores in lanes); "
                    + "under a launcher (WORLD_SIZE > 1) run quickstart or pretrain");
        }
        StudyConfig study = ConfigLoader.load(StudyConfig.quick(), config, StudyConfig.class);
        String name = config.getFileName().toString().replaceFirst("\\.(ya?ml|json)$", "");
        Study.run(runDir != null ? runDir : Path.of("runs", name), study, force, quiet);
        return 0;
    }
}
