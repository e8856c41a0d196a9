package dev.uqabench.dist;

/**
 * The process's data-parallel group, like torch.distributed's default group: one process until a command that
 * can run on many joins the group its environment describes ({@link #join}); trainers and evaluations ask
 * {@link #group()}.
 */
public final class World {

    private static volatile Group group = Group.single();

    private World() {
    }

    public static Group group() {
        return group;
    }

    /** Joins the group of {@code env} (a no-op for one process); once per process. */
    public static synchronized Group join(DistEnv env) {
        if (group.distributed()) {
            throw new IllegalStateException("this process already joined a group");
        }
        group = Group.connect(env);
        return group;
    }

    /** Leaves the group (closes its connections); the process is one process again. */
    public static synchronized void leave() {
        Group old = group;
        group = Group.single();
        old.close();
    }
}
