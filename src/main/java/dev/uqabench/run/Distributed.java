package dev.uqabench.run;

import dev.uqabench.base.Json;
import dev.uqabench.dist.DistEnv;
import dev.uqabench.dist.Group;
import dev.uqabench.dist.World;
import java.nio.file.Path;
import java.util.function.BiFunction;

/**
 * A run in one process or data-parallel over the ranks its environment names ({@link DistEnv}: torchrun's
 * variables, which {@code uqabench launch} sets). Every rank runs the same sequence of stages; rank 0 owns the run
 * folder (lock, reuse decisions, work folders, manifests, reports) and the others follow its word through the
 * rendezvous store ({@link StageRunner}): they train and evaluate on their shares of the data and write nothing.
 * The run folder, the data and an external LLM folder must be paths every rank can read (one machine, or a shared
 * file system), as torchrun jobs usually keep their checkpoints.
 */
public final class Distributed {

    private Distributed() {
    }

    /** Whether this process writes the run's outputs (rank 0, or the only process). */
    public static boolean isMain() {
        return World.group().isMain();
    }

    /** Whether this process is one rank of several. */
    public static boolean isGroup() {
        return World.group().distributed();
    }

    /**
     * Joins the group of the environment (a no-op for one process), checks every rank runs the same config in the
     * same folder, then runs {@code job} on a pipeline of {@code runDir}, holding the folder's lock on rank 0.
     */
    public static <T> T run(RunConfig config, Path runDir, boolean force, boolean quiet,
                            BiFunction<Pipeline, Progress, T> job) {
        DistEnv env = DistEnv.fromEnvironment();
        Group group = World.join(env);
        try {
            // ranks that would train different models are refused before anything is written
            group.requireSame("config", Json.compact(Json.mapper().valueToTree(config)) + "\n"
                    + runDir.toAbsolutePath().normalize() + "\nforce=" + force);
            Progress progress = new Progress(System.err, quiet || !group.isMain());
            if (group.distributed() && group.isMain()) {
                progress.message("data-parallel over " + group.size() + " ranks (gloo, store " + env.masterAddr() + ":"
                        + env.masterPort() + ", timeout " + env.timeoutSeconds() + " s); rank 0 writes the run folder");
            }
            Pipeline pipeline = new Pipeline(runDir, config, force, progress);
            T result;
            if (!group.isMain()) {
                result = job.apply(pipeline, progress);
            } else {
                try (RunLock lock = RunLock.acquire(runDir)) {
                    result = job.apply(pipeline, progress);
                }
            }
            // rank 0 hosts the store: it leaves only once every rank is done reading from it
            group.finish();
            return result;
        } finally {
            World.leave();
        }
    }
}
