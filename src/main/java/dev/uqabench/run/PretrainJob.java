package dev.uqabench.run;

import dev.uqabench.base.ConfigLoader;
import dev.uqabench.base.Manifest;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code uqabench pretrain}: the data and pretrain stages of a run folder, in one process or data-parallel over
 * the ranks of its environment ({@link Distributed}).
 */
public final class PretrainJob {

    private PretrainJob() {
    }

    /** Runs the job; rank 0 returns the pretrain stage's manifest metrics, the other ranks an empty map. */
    public static Map<String, Object> run(Path runDir, Path configFile, boolean force, boolean quiet, Sources overrides) {
        RunConfig loaded = ConfigLoader.load(RunConfig.quickstart(), configFile, RunConfig.class);
        RunConfig config = loaded.withSources(loaded.sources().overriddenBy(overrides));
        return Distributed.run(config, runDir, force, quiet, (pipeline, progress) -> {
            pipeline.data();
            Path folder = pipeline.pretrain(null, config.pretrain());
            return Distributed.isMain() ? Manifest.read(folder).metrics() : Map.of();
        });
    }
}
