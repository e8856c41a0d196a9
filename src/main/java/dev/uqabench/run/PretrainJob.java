package dev.uqabench.run;

import dev.uqabench.base.AtomicFiles;
import dev.uqabench.base.ConfigLoader;
import dev.uqabench.base.Json;
import dev.uqabench.base.Manifest;
import dev.uqabench.base.UqaException;
import dev.uqabench.dist.DistEnv;
import dev.uqabench.dist.Group;
import dev.uqabench.dist.World;
import dev.uqabench.pretrain.HeldOutPretraining;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code uqabench pretrain}: the data and pretrain stages of a run folder, in one process or data-parallel over
 * the ranks its environment names ({@link DistEnv}; {@code uqabench launch} sets them). Rank 0 owns the run
 * folder: it makes or reuses the data, decides whether the pretrain stage runs or is reused, reads a checkpoint
 * to resume from, writes checkpoints and the manifest, and ranks the test users. The other ranks wait for its
 * word through the rendezvous store, read the same data files (a path every rank sees), train on their slices of
 * every batch and write nothing.
 */
public final class PretrainJob {

    /** How long the other ranks wait for rank 0's data stage (a lost rank 0 ends the wait at once). */
    private static final long FRONT_WAIT_SECONDS = 7L * 24 * 3600;

    private PretrainJob() {
    }

    /** Runs the job; rank 0 returns the pretrain stage's manifest metrics, the other ranks an empty map. */
    public static Map<String, Object> run(Path runDir, Path configFile, boolean force, boolean quiet, Sources overrides) {
        RunConfig loaded = ConfigLoader.load(RunConfig.quickstart(), configFile, RunConfig.class);
        RunConfig config = loaded.withSources(loaded.sources().overriddenBy(overrides));
        DistEnv env = DistEnv.fromEnvironment();
        Group group = World.join(env);
        try {
            // ranks that would train different models are refused before anything is written
            group.requireSame("config", Json.compact(Json.mapper().valueToTree(config)) + "\n"
                    + runDir.toAbsolutePath().normalize() + "\nforce=" + force);
            Progress progress = new Progress(System.err, quiet || !group.isMain());
            if (group.distributed() && group.isMain()) {
                progress.message("pretrain: data-parallel over " + group.size() + " ranks (gloo, store "
                        + env.masterAddr() + ":" + env.masterPort() + ", timeout " + env.timeoutSeconds() + " s)");
            }
            Pipeline pipeline = new Pipeline(runDir, config, force, progress);
            if (group.isMain()) {
                try (RunLock lock = RunLock.acquire(runDir)) {
                    Path data = pipeline.data();
                    group.publish("data", data.toAbsolutePath().toString());
                    Path folder = pipeline.pretrain(null, config.pretrain());
                    return Manifest.read(folder).metrics();
                }
            }
            Path data = Path.of(group.awaitMain("data", FRONT_WAIT_SECONDS));
            if (PretrainStage.REUSED.equals(group.awaitMain(PretrainStage.DECISION, FRONT_WAIT_SECONDS))) {
                return Map.of();
            }
            Path scratch;
            try {
                scratch = Files.createTempDirectory("uqabench-rank" + group.rank() + "-");
            } catch (IOException e) {
                throw new UqaException("rank " + group.rank() + ": cannot make a scratch folder: " + e.getMessage(), e);
            }
            try {
                HeldOutPretraining.run(data, pipeline.seeded(config.pretrain()), pipeline.roles(), scratch,
                        PretrainStage.listener(progress), progress::message);
            } finally {
                AtomicFiles.deleteRecursively(scratch);
            }
            return Map.of();
        } finally {
            World.leave();
        }
    }
}
