package dev.uqabench.dist;

import dev.uqabench.base.UqaException;
import java.util.Map;

/**
 * Where this process stands in a data-parallel job, read from the variables torchrun sets (and
 * {@code uqabench launch}, a Kubernetes PyTorchJob or a SLURM wrapper): {@code RANK}, {@code WORLD_SIZE},
 * {@code LOCAL_RANK}, {@code MASTER_ADDR}, {@code MASTER_PORT}; plus {@code UQABENCH_DIST_TIMEOUT}, the seconds
 * a collective waits for a lost or late rank before every other rank stops (default 60).
 *
 * @param rank           this process's rank, 0 .. worldSize-1
 * @param worldSize      the number of processes (1: no group is formed)
 * @param localRank      the rank on this machine
 * @param masterAddr     host of rank 0's rendezvous store (null when worldSize is 1)
 * @param masterPort     its port
 * @param timeoutSeconds how long a collective or the rendezvous waits for every rank
 */
public record DistEnv(int rank, int worldSize, int localRank, String masterAddr, int masterPort, int timeoutSeconds) {

    public static final String RANK = "RANK";
    public static final String WORLD_SIZE = "WORLD_SIZE";
    public static final String LOCAL_RANK = "LOCAL_RANK";
    public static final String MASTER_ADDR = "MASTER_ADDR";
    public static final String MASTER_PORT = "MASTER_PORT";
    public static final String TIMEOUT = "UQABENCH_DIST_TIMEOUT";
    /** torchrun's default port. */
    public static final int DEFAULT_PORT = 29500;
    public static final int DEFAULT_TIMEOUT_SECONDS = 60;

    public DistEnv {
        if (worldSize < 1) {
            throw new UqaException(WORLD_SIZE + " must be >= 1, got " + worldSize);
        }
        if (rank < 0 || rank >= worldSize) {
            throw new UqaException(RANK + "=" + rank + " is outside 0.." + (worldSize - 1) + " (" + WORLD_SIZE + "=" + worldSize + ")");
        }
        if (worldSize > 1 && (masterAddr == null || masterAddr.isBlank())) {
            throw new UqaException(WORLD_SIZE + "=" + worldSize + " but " + MASTER_ADDR
                    + " is not set: every rank needs the host of rank 0 (uqabench launch sets it)");
        }
        if (masterPort < 1 || masterPort > 65535) {
            throw new UqaException(MASTER_PORT + " must be a port 1..65535, got " + masterPort);
        }
        if (timeoutSeconds < 1) {
            throw new UqaException(TIMEOUT + " must be >= 1 second, got " + timeoutSeconds);
        }
    }

    /** One process, no group. */
    public static DistEnv single() {
        return new DistEnv(0, 1, 0, null, DEFAULT_PORT, DEFAULT_TIMEOUT_SECONDS);
    }

    /** From the process environment. */
    public static DistEnv fromEnvironment() {
        return of(System.getenv());
    }

    /** From {@code env}; no {@code WORLD_SIZE} (or 1) means one process. */
    public static DistEnv of(Map<String, String> env) {
        int world = integer(env, WORLD_SIZE, 1);
        int rank = integer(env, RANK, world == 1 ? 0 : -1);
        if (rank == -1) {
            throw new UqaException(WORLD_SIZE + "=" + world + " but " + RANK + " is not set");
        }
        return new DistEnv(rank, world, integer(env, LOCAL_RANK, rank), env.get(MASTER_ADDR),
                integer(env, MASTER_PORT, DEFAULT_PORT), integer(env, TIMEOUT, DEFAULT_TIMEOUT_SECONDS));
    }

    public boolean distributed() {
        return worldSize > 1;
    }

    private static int integer(Map<String, String> env, String key, int otherwise) {
        String value = env.get(key);
        if (value == null || value.isBlank()) {
            return otherwise;
        }
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new UqaException(key + " must be an integer, got '" + value + "'");
        }
    }
}
