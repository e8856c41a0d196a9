package dev.uqabench.dist;

import dev.uqabench.base.Hashing;
import dev.uqabench.base.UqaException;
import dev.uqabench.tensor.Tensors;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.javacpp.SizeTPointer;
import org.bytedeco.javacpp.chrono.Milliseconds;
import org.bytedeco.pytorch.ByteVector;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.ProcessGroupGloo;
import org.bytedeco.pytorch.StringVector;
import org.bytedeco.pytorch.TCPStore;
import org.bytedeco.pytorch.TCPStoreOptions;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.Work;
import org.bytedeco.pytorch.global.torch;

/**
 * A data-parallel process group on libtorch's own distributed engine (c10d): rendezvous through a
 * {@code TCPStore} hosted by rank 0, collectives through {@code ProcessGroupGloo} (CPU tensors), as
 * {@code torch.distributed.init_process_group("gloo", init_method="env://")} does.
 *
 * <p>Every collective waits at most the environment's timeout; a rank that died (its sockets close at once) or
 * stopped answering (the timeout runs out) turns into a {@link UqaException} naming the lost rank and what this
 * rank was doing ({@link #during}), so no rank hangs. A group of one process ({@link #single()}) makes every
 * collective the identity, and the trainers keep their one-process code path for it.
 */
public final class Group implements AutoCloseable {

    private static final String CONFIG_KEY = "config/";
    private static final String ALIVE_KEY = "alive/";

    private final DistEnv env;
    private final TCPStore store;
    private final ProcessGroupGloo gloo;
    private volatile String activity = "start-up";
    private final AtomicLong bytesSent = new AtomicLong();
    private int collectives;
    private int stringGathers;
    private int mainWorks;
    private int stringBroadcasts;
    private long collectiveNanos;

    private Group(DistEnv env, TCPStore store, ProcessGroupGloo gloo) {
        this.env = env;
        this.store = store;
        this.gloo = gloo;
    }

    /** The group of one process. */
    public static Group single() {
        return new Group(DistEnv.single(), null, null);
    }

    /**
     * Joins the group {@code env} describes: rank 0 hosts the store on {@code MASTER_PORT}, every rank waits until
     * all {@code WORLD_SIZE} have joined (at most the timeout), then the Gloo group connects them pairwise.
     */
    public static Group connect(DistEnv env) {
        if (!env.distributed()) {
            return single();
        }
        Milliseconds timeout = new Milliseconds(env.timeoutSeconds() * 1000L);
        TCPStore store;
        try {
            TCPStoreOptions options = new TCPStoreOptions();
            options.port((short) env.masterPort());
            options.isServer(env.rank() == 0);
            options.numWorkers(new SizeTPointer(1).put(env.worldSize()));
            options.waitWorkers(true);
            options.timeout(timeout);
            store = new TCPStore(env.masterAddr(), options);
        } catch (RuntimeException e) {
            throw rendezvousFailure(env, e);
        }
        ProcessGroupGloo gloo;
        try {
            ProcessGroupGloo.Options options = ProcessGroupGloo.Options.create(timeout);
            options.devices().push_back(env.masterAddr().equals("127.0.0.1") || env.masterAddr().equals("localhost")
                    ? ProcessGroupGloo.createDeviceForHostname("127.0.0.1") : ProcessGroupGloo.createDefaultDevice());
            gloo = new ProcessGroupGloo(store, env.rank(), env.worldSize(), options);
        } catch (RuntimeException e) {
            throw new UqaException("rank " + env.rank() + " of " + env.worldSize() + " could not connect its Gloo group "
                    + "through " + env.masterAddr() + ":" + env.masterPort() + ": " + firstLine(e));
        }
        return new Group(env, store, gloo);
    }

    private static UqaException rendezvousFailure(DistEnv env, RuntimeException e) {
        String message = String.valueOf(e.getMessage());
        String where = env.masterAddr() + ":" + env.masterPort();
        if (env.rank() == 0 && (message.contains("EADDRINUSE") || message.contains("Address already in use"))) {
            return new UqaException("MASTER_PORT " + env.masterPort() + " is in use on this machine: rank 0 cannot host "
                    + "the rendezvous store there; choose another port (uqabench launch --master-port)");
        }
        if (message.contains("imed out") || message.contains("timeout") || message.contains("Timeout")) {
            return new UqaException("rendezvous at " + where + " timed out after " + env.timeoutSeconds() + " s: "
                    + (env.rank() == 0 ? "not every one of the " + env.worldSize() + " ranks joined"
                    : "rank 0 or another rank never joined") + " (rank " + env.rank() + " waited; " + DistEnv.TIMEOUT
                    + " sets the limit)");
        }
        return new UqaException("rank " + env.rank() + " of " + env.worldSize() + " could not join the rendezvous at "
                + where + ": " + firstLine(e));
    }

    public int rank() {
        return env.rank();
    }

    public int size() {
        return env.worldSize();
    }

    public boolean isMain() {
        return env.rank() == 0;
    }

    public boolean distributed() {
        return gloo != null;
    }

    public DistEnv env() {
        return env;
    }

    /** Names what this rank does now (e.g. "pretrain step 37"), for the message when a rank is lost. */
    public void during(String what) {
        activity = what;
    }

    /** Payload bytes this rank has put into collectives so far (a traffic counter for benchmarks). */
    public long bytesSent() {
        return bytesSent.get();
    }

    /**
     * Refuses to go on unless every rank runs the same {@code what} (hashes of its config): each rank publishes
     * its hash through the store and compares every other rank's with its own.
     */
    public void requireSame(String what, String text) {
        if (!distributed()) {
            return;
        }
        String hash = Hashing.sha256(text).substring(0, 16);
        store.set(CONFIG_KEY + what + "/" + rank(), bytes(hash));
        List<String> differ = new ArrayList<>();
        for (int r = 0; r < size(); r++) {
            String key = CONFIG_KEY + what + "/" + r;
            String theirs;
            try {
                waitForKey(key, env.timeoutSeconds());
                theirs = string(store.get(key));
            } catch (RuntimeException e) {
                throw lost(e);
            }
            if (!theirs.equals(hash)) {
                differ.add("rank " + r + " has " + theirs);
            }
        }
        if (!differ.isEmpty()) {
            throw new UqaException("ranks run different " + what + "s: rank " + rank() + " has " + hash + ", "
                    + String.join(", ", differ) + "; start every rank with the same command and config");
        }
    }

    /** Sum of {@code values} over all ranks. */
    public long[] allReduceSum(long[] values) {
        if (!distributed()) {
            return values.clone();
        }
        try (PointerScope scope = new PointerScope()) {
            Tensor t = Tensor.create(values.clone(), values.length);
            allReduceSum(List.of(t));
            long[] out = new long[values.length];
            t.data_ptr_long().get(out);
            return out;
        }
    }

    /** Sum of {@code values} over all ranks (in float64). */
    public double[] allReduceSum(double[] values) {
        if (!distributed()) {
            return values.clone();
        }
        try (PointerScope scope = new PointerScope()) {
            Tensor t = Tensor.create(values.clone(), values.length);
            allReduceSum(List.of(t));
            double[] out = new double[values.length];
            t.data_ptr_double().get(out);
            return out;
        }
    }

    /** Largest all-reduce bucket, as DDP's default {@code bucket_cap_mb=25}. */
    public static final long BUCKET_BYTES = 25L << 20;

    /**
     * Sums {@code tensors} (one dtype, any shapes) over all ranks, in place: consecutive tensors are flattened into
     * buckets of at most {@link #BUCKET_BYTES} (a larger tensor is a bucket of its own), one all-reduce each, as
     * DDP's gradient buckets do.
     */
    public void allReduceSum(List<Tensor> tensors) {
        if (!distributed() || tensors.isEmpty()) {
            return;
        }
        List<Tensor> bucket = new ArrayList<>();
        long bytes = 0;
        for (Tensor t : tensors) {
            long size = t.nbytes();
            if (!bucket.isEmpty() && bytes + size > BUCKET_BYTES) {
                allReduceBucket(bucket);
                bucket = new ArrayList<>();
                bytes = 0;
            }
            bucket.add(t);
            bytes += size;
        }
        allReduceBucket(bucket);
    }

    private void allReduceBucket(List<Tensor> tensors) {
        try (PointerScope scope = new PointerScope(); NoGradGuard guard = new NoGradGuard()) {
            boolean alone = tensors.size() == 1 && tensors.get(0).is_contiguous();
            Tensor bucket;
            if (alone) {
                bucket = tensors.get(0);
            } else {
                TensorVector flat = new TensorVector();
                tensors.forEach(t -> flat.push_back(t.reshape(-1)));
                bucket = torch.cat(flat);
            }
            run(gloo.allreduce(new TensorVector(bucket)), bucket.nbytes());
            if (!alone) {
                long offset = 0;
                for (Tensor t : tensors) {
                    long n = t.numel();
                    t.copy_(bucket.narrow(0, offset, n).view(t.sizes()));
                    offset += n;
                }
            }
        }
    }

    /**
     * Every rank's {@code rows} ({@code [k_r, ...]}, k_r may differ by rank, even 0), in rank order. Sizes are
     * exchanged first, then one all-gather of the rows padded to the largest.
     */
    public List<Tensor> allGather(Tensor rows) {
        if (!distributed()) {
            return List.of(rows);
        }
        long[] sizes = allGatherSizes(rows.size(0));
        long max = java.util.Arrays.stream(sizes).max().orElse(0);
        long[] rowShape = rows.sizes().vec().get();
        long rowNumel = 1;
        for (int i = 1; i < rowShape.length; i++) {
            rowNumel *= rowShape[i];
        }
        List<Tensor> out = new ArrayList<>();
        if (max == 0) {
            for (int r = 0; r < size(); r++) {
                out.add(rows);
            }
            return out;
        }
        // the gathered buffer and its views belong to the caller (its pointer scope, if any); the padding does not
        Tensor gathered = torch.zeros(new long[] {max * rowNumel * size()}, Tensors.options(Tensors.scalarType(rows)));
        try (PointerScope scope = new PointerScope(); NoGradGuard guard = new NoGradGuard()) {
            Tensor padded = torch.zeros(new long[] {max * rowNumel}, Tensors.options(Tensors.scalarType(rows)));
            if (rows.size(0) > 0) {
                padded.narrow(0, 0, rows.size(0) * rowNumel).copy_(rows.reshape(-1));
            }
            run(gloo._allgather_base(gathered, padded), padded.nbytes());
        }
        for (int r = 0; r < size(); r++) {
            long[] shape = rowShape.clone();
            shape[0] = sizes[r];
            out.add(gathered.narrow(0, r * max * rowNumel, sizes[r] * rowNumel).view(shape));
        }
        return out;
    }

    /** Every rank's {@code values}, in rank order. */
    public List<long[]> allGather(long[] values) {
        if (!distributed()) {
            return List.of(values.clone());
        }
        List<long[]> out = new ArrayList<>();
        try (PointerScope scope = new PointerScope()) {
            for (Tensor t : allGather(Tensor.create(values.clone(), values.length))) {
                long[] part = new long[(int) t.numel()];
                if (part.length > 0) {
                    t.contiguous().data_ptr_long().get(part);
                }
                out.add(part);
            }
        }
        return out;
    }

    private long[] allGatherSizes(long size) {
        try (PointerScope scope = new PointerScope()) {
            Tensor mine = Tensor.create(new long[] {size}, 1);
            Tensor all = torch.zeros(new long[] {size()}, Tensors.options(torch.ScalarType.Long));
            run(gloo._allgather_base(all, mine), 8);
            long[] sizes = new long[size()];
            all.data_ptr_long().get(sizes);
            return sizes;
        }
    }

    /**
     * Every rank's {@code text}, in rank order, through the store (for records such as predictions, whose order
     * the caller restores).
     */
    public List<String> allGather(String text) {
        if (!distributed()) {
            return List.of(text);
        }
        String key = "gather/" + (++stringGathers) + "/";
        try {
            store.set(key + rank(), bytes(text));
            bytesSent.addAndGet(text.length());
            List<String> all = new ArrayList<>();
            for (int r = 0; r < size(); r++) {
                // shares of long work (answering questions) end minutes apart: wait as long as it takes; a lost
                // rank 0 ends the wait at once, and a launcher stops the survivors of any other lost rank
                waitForKey(key + r, LONG_WAIT_SECONDS);
                all.add(string(store.get(key + r)));
            }
            // nobody deletes before everyone has read: the keys stay (a few per evaluation)
            return all;
        } catch (RuntimeException e) {
            throw lost(e);
        }
    }

    /** Rank 0's values of {@code tensors} on every rank (in place), one broadcast each. */
    public void broadcast(List<Tensor> tensors) {
        if (!distributed()) {
            return;
        }
        try (PointerScope scope = new PointerScope(); NoGradGuard guard = new NoGradGuard()) {
            for (Tensor t : tensors) {
                run(gloo.broadcast(new TensorVector(t)), isMain() ? t.nbytes() * (size() - 1) : 0);
            }
        }
    }

    /** Rank 0's {@code value} (ignored elsewhere) on every rank, through the store under {@code key}. */
    public String broadcast(String key, String value) {
        if (!distributed()) {
            return value;
        }
        try {
            String unique = "bcast/" + (++stringBroadcasts) + "/" + key;
            if (isMain()) {
                store.set(unique, bytes(value));
            }
            waitForKey(unique, env.timeoutSeconds());
            return string(store.get(unique));
        } catch (RuntimeException e) {
            throw lost(e);
        }
    }

    /**
     * Waits (at most {@code seconds}) until rank 0 publishes {@code key} with {@link #publish}, for work only rank 0
     * does (writing a stage's data) while the others wait; returns the published value.
     */
    public String awaitMain(String key, long seconds) {
        if (!distributed() || isMain()) {
            throw new IllegalStateException("awaitMain is for ranks other than 0 of a group");
        }
        try {
            waitForKey("main/" + key, seconds);
            return string(store.get("main/" + key));
        } catch (RuntimeException e) {
            throw lost(e);
        }
    }

    /** Rank 0 publishes {@code value} under {@code key} for {@link #awaitMain}. */
    public void publish(String key, String value) {
        if (distributed() && isMain()) {
            store.set("main/" + key, bytes(value));
        }
    }

    /** How long ranks wait through the store for work one rank does alone (a lost rank 0 ends the wait at once). */
    public static final long LONG_WAIT_SECONDS = 7L * 24 * 3600;

    /**
     * Rank 0 says it finished {@code what} (a checkpoint write) that the other ranks wait for with
     * {@link #awaitMainWork}: they wait through the store, as long as it takes, instead of in the next collective,
     * whose timeout is meant for ranks in step.
     */
    public void mainWorkDone(String what) {
        publish("work/" + (++mainWorks) + "/" + what, "done");
    }

    /** The other ranks' side of {@link #mainWorkDone}. */
    public void awaitMainWork(String what) {
        if (distributed() && !isMain()) {
            during("waiting for rank 0's " + what);
            awaitMain("work/" + (++mainWorks) + "/" + what, LONG_WAIT_SECONDS);
        }
    }

    /**
     * The end of a job: each rank says it is done with the store, and rank 0, which hosts it, waits (as long as the
     * slowest takes) until all have, so that no rank reads from a store that is gone.
     */
    public void finish() {
        if (distributed()) {
            during("the end of the job");
            try {
                store.add("finished", 1);
                if (!isMain()) {
                    return;
                }
                long deadline = System.nanoTime() + LONG_WAIT_SECONDS * 1_000_000_000L;
                while (store.add("finished", 0) < size() && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
            } catch (RuntimeException e) {
                throw lost(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Waits until every rank gets here. */
    public void barrier() {
        if (distributed()) {
            run(gloo.barrier(), 0);
        }
    }

    private void waitForKey(String key, long seconds) {
        StringVector keys = new StringVector(key);
        store._wait(keys, new Milliseconds(seconds * 1000L));
    }

    private void run(Work work, long bytes) {
        collectives++;
        bytesSent.addAndGet(bytes);
        long start = System.nanoTime();
        try {
            work._wait();
        } catch (RuntimeException e) {
            throw lost(e);
        } finally {
            collectiveNanos += System.nanoTime() - start;
            // a Work holds references into the process group: release it now, never after the group is closed
            work.close();
        }
    }

    /**
     * What a failed collective means: the ranks that do not answer through the store within a few seconds are
     * lost (the store lives in rank 0: when it is gone, rank 0 is).
     */
    private UqaException lost(RuntimeException cause) {
        List<Integer> missing = new ArrayList<>();
        try {
            store.set(ALIVE_KEY + rank(), bytes("1"));
            long until = System.nanoTime() + 5_000_000_000L;
            for (int r = 0; r < size(); r++) {
                if (r == rank()) {
                    continue;
                }
                boolean seen = false;
                while (!seen && System.nanoTime() < until) {
                    seen = store.check(new StringVector(ALIVE_KEY + r));
                    if (!seen) {
                        Thread.sleep(100);
                    }
                }
                if (!seen) {
                    missing.add(r);
                }
            }
        } catch (RuntimeException e) {
            missing = List.of(0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        String why = firstLine(cause);
        if (missing.isEmpty()) {
            return new UqaException(String.format(Locale.ROOT, "a collective failed on rank %d during %s while every rank "
                    + "still answers (%s): another rank failed or fell more than %d s behind; its own output says why",
                    rank(), activity, why, env.timeoutSeconds()));
        }
        String who = missing.size() == 1 ? "rank " + missing.get(0) : "ranks " + missing;
        return new UqaException(String.format(Locale.ROOT, "%s of %d was lost during %s (seen by rank %d: %s); its own "
                + "output says why; the run folder keeps the last good checkpoint: run the same command again to resume",
                who, size(), activity, rank(), why));
    }

    private static String firstLine(RuntimeException e) {
        String message = String.valueOf(e.getMessage());
        // drop the source location libtorch puts first: "[/path/file.cc:123] text"
        message = message.replaceFirst("^\\[[^\\]]*\\]\\s*", "");
        return message.lines().findFirst().orElse(message).strip();
    }

    private static ByteVector bytes(String value) {
        return new ByteVector(value.getBytes(StandardCharsets.UTF_8));
    }

    private static String string(ByteVector bytes) {
        byte[] out = new byte[(int) bytes.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = bytes.get(i);
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    /** Seconds this rank has waited on collectives (the exchange and the wait for slower ranks), for benchmarks. */
    public double collectiveSeconds() {
        return collectiveNanos / 1e9;
    }

    /** The number of collectives this rank has run (for benchmarks). */
    public int collectives() {
        return collectives;
    }

    /**
     * Leaves the group at once. A rank whose job ended normally calls {@link #finish} first: rank 0 hosts the store,
     * and closing it while another rank still waits in it (for rank 0's last checkpoint, say) fails that rank.
     */
    @Override
    public void close() {
        if (gloo != null) {
            gloo.close();
            store.close();
        }
    }
}
