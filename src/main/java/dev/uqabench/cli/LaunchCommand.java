package dev.uqabench.cli;

import dev.uqabench.base.StopRequest;
import dev.uqabench.base.UqaException;
import dev.uqabench.dist.DistEnv;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code uqabench launch}: starts the local ranks of a data-parallel job, as torchrun does: one JVM per rank with
 * {@code RANK}, {@code WORLD_SIZE}, {@code LOCAL_RANK}, {@code MASTER_ADDR} and {@code MASTER_PORT} set (the
 * ranks meet through rank 0's c10d {@code TCPStore}). Each rank's lines come out prefixed with {@code [rank N]}.
 * When a rank fails the others get the rendezvous timeout to stop by themselves (naming the lost rank) before they
 * are terminated; the exit status is the first failing rank's.
 */
@Command(name = "launch", mixinStandardHelpOptions = true,
        description = "Start local ranks of a data-parallel command (e.g. launch --nproc-per-node 2 -- pretrain "
                + "--config my.yaml); for several machines run it on each with --nnodes, --node-rank, --master-addr.")
public final class LaunchCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--nproc-per-node", required = true, description = "Ranks on this machine.")
    int nprocPerNode;

    @Option(names = "--nnodes", defaultValue = "1", description = "Machines (default: ${DEFAULT-VALUE}).")
    int nnodes;

    @Option(names = "--node-rank", defaultValue = "0", description = "This machine's index, 0..nnodes-1 (default: ${DEFAULT-VALUE}).")
    int nodeRank;

    @Option(names = "--master-addr", defaultValue = "127.0.0.1", description = "Host of rank 0 (default: ${DEFAULT-VALUE}).")
    String masterAddr;

    @Option(names = "--master-port", defaultValue = "29500", description = "Port of rank 0's store (default: ${DEFAULT-VALUE}).")
    int masterPort;

    @Option(names = "--timeout", defaultValue = "60",
            description = "Seconds a rank waits for a lost or late one before stopping (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(names = "--threads-per-rank", defaultValue = "1",
            description = "libtorch (OpenMP) threads of each rank (default: ${DEFAULT-VALUE}).")
    int threadsPerRank;

    @Parameters(arity = "1..*", paramLabel = "COMMAND", description = "The uqabench command each rank runs, after --.")
    List<String> command;

    /** The commands whose stages run data-parallel. */
    static final List<String> DATA_PARALLEL = List.of("quickstart", "pretrain");

    @Override
    public Integer call() throws Exception {
        if (nprocPerNode < 1 || nnodes < 1) {
            throw new UqaException("--nproc-per-node and --nnodes must be >= 1, got " + nprocPerNode + " and " + nnodes);
        }
        if (nodeRank < 0 || nodeRank >= nnodes) {
            throw new UqaException("--node-rank " + nodeRank + " is outside 0.." + (nnodes - 1) + " (--nnodes " + nnodes + ")");
        }
        if (threadsPerRank < 1) {
            throw new UqaException("--threads-per-rank must be >= 1, got " + threadsPerRank);
        }
        if (!DATA_PARALLEL.contains(command.get(0))) {
            throw new UqaException("launch runs the data-parallel commands " + DATA_PARALLEL + "; '" + command.get(0)
                    + "' runs in one process: start it without launch");
        }
        int world = nprocPerNode * nnodes;
        // validated as every rank will read it, before anything starts
        new DistEnv(nodeRank * nprocPerNode, world, 0, masterAddr, masterPort, timeoutSeconds);
        if (nodeRank == 0) {
            requirePortFree();
        }
        List<Process> ranks = new ArrayList<>();
        List<Thread> pumps = new ArrayList<>();
        // signals go through the process handles: Process.destroy() would also close the pipes the ranks write to
        Thread stopper = new Thread(() -> ranks.forEach(p -> p.toHandle().destroy()));
        Runtime.getRuntime().addShutdownHook(stopper);
        try {
            for (int local = 0; local < nprocPerNode; local++) {
                int rank = nodeRank * nprocPerNode + local;
                ProcessBuilder builder = new ProcessBuilder(childCommand());
                Map<String, String> env = builder.environment();
                env.put(DistEnv.RANK, Integer.toString(rank));
                env.put(DistEnv.WORLD_SIZE, Integer.toString(world));
                env.put(DistEnv.LOCAL_RANK, Integer.toString(local));
                env.put(DistEnv.MASTER_ADDR, masterAddr);
                env.put(DistEnv.MASTER_PORT, Integer.toString(masterPort));
                env.put(DistEnv.TIMEOUT, Integer.toString(timeoutSeconds));
                env.put("OMP_NUM_THREADS", Integer.toString(threadsPerRank));
                env.put("OMP_WAIT_POLICY", "PASSIVE");
                env.putIfAbsent("OPENBLAS_NUM_THREADS", "1");
                // c10d's own warnings (a peer's closed socket, with a C++ stack) would bury the one-line message
                env.putIfAbsent("TORCH_CPP_LOG_LEVEL", "ERROR");
                Process process = builder.start();
                ranks.add(process);
                err().println("[launch] rank " + rank + " of " + world + ": pid " + process.pid());
                err().flush();
                pumps.add(pump(process.getInputStream(), spec.commandLine().getOut(), rank));
                pumps.add(pump(process.getErrorStream(), spec.commandLine().getErr(), rank));
            }
            return waitForAll(ranks);
        } finally {
            for (Thread pump : pumps) {
                pump.join(5_000);
            }
            try {
                Runtime.getRuntime().removeShutdownHook(stopper);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs anyway
            }
        }
    }

    /** Waits for every rank; after the first failure the others get the timeout (plus slack) to stop themselves. */
    private int waitForAll(List<Process> ranks) throws InterruptedException {
        int status = 0;
        long deadline = Long.MAX_VALUE;
        boolean forwarded = false;
        while (true) {
            boolean running = false;
            for (int i = 0; i < ranks.size(); i++) {
                Process p = ranks.get(i);
                if (p.isAlive()) {
                    running = true;
                } else if (status == 0 && p.exitValue() != 0) {
                    status = p.exitValue();
                    err().println("[launch] local rank " + i + " exited with status " + status
                            + "; the other ranks stop within " + timeoutSeconds + " s");
                    err().flush();
                    deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds + 30L);
                }
            }
            if (!running) {
                return status;
            }
            if (StopRequest.isRequested() && !forwarded) {
                ranks.forEach(p -> p.toHandle().destroy());   // SIGTERM: each rank stops at its next safe point
                forwarded = true;
            }
            if (System.nanoTime() > deadline) {
                err().println("[launch] terminating the ranks still running after " + (timeoutSeconds + 30) + " s");
                err().flush();
                ranks.forEach(p -> p.toHandle().destroyForcibly());
                deadline = Long.MAX_VALUE;
            }
            Thread.sleep(100);
        }
    }

    private java.io.PrintWriter err() {
        return spec.commandLine().getErr();
    }

    private void requirePortFree() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(masterPort));
        } catch (IOException e) {
            throw new UqaException("--master-port " + masterPort + " is in use on this machine (" + e.getMessage()
                    + "); choose another port");
        }
    }

    /** This JVM's java, options and class path, running the CLI with the command. */
    private List<String> childCommand() {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Main.class.getName());
        cmd.addAll(command);
        return cmd;
    }

    private static Thread pump(InputStream in, java.io.PrintWriter out, int rank) {
        Thread thread = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String prefix = "[rank " + rank + "] ";
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    synchronized (out) {
                        out.println(prefix + line);
                        out.flush();
                    }
                }
            } catch (IOException e) {
                // the rank's pipe closed with it
            }
        }, "rank-" + rank + "-output");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}
