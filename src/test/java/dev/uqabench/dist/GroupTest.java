package dev.uqabench.dist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uqabench.base.UqaException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

/** Two ranks of a Gloo group as two threads of this JVM, over loopback. */
class GroupTest {

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Runs {@code body} as ranks 0 and 1 of a fresh group; returns what each returned (or threw). */
    static <T> List<Future<T>> onTwoRanks(int timeoutSeconds, Function<Group, T> body) throws Exception {
        int port = freePort();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<T>> futures = new ArrayList<>();
        for (int rank = 0; rank < 2; rank++) {
            int r = rank;
            futures.add(pool.submit(() -> {
                try (Group group = Group.connect(new DistEnv(r, 2, r, "127.0.0.1", port, timeoutSeconds))) {
                    return body.apply(group);
                }
            }));
        }
        pool.shutdown();
        for (Future<T> f : futures) {
            try {
                f.get();
            } catch (ExecutionException ignored) {
                // each caller looks at its own
            }
        }
        return futures;
    }

    @Test
    void collectivesCombineEveryRank() throws Exception {
        List<Future<String>> results = onTwoRanks(30, group -> {
            int r = group.rank();
            long[] sums = group.allReduceSum(new long[] {r + 1, 10L * r});
            Tensor a = torch.ones(2, 3).mul(new org.bytedeco.pytorch.Scalar(r + 1.0));
            Tensor b = torch.ones(4).mul(new org.bytedeco.pytorch.Scalar(10.0 * (r + 1)));
            group.allReduceSum(List.of(a, b));
            // rank 0 sends 3 ids, rank 1 none: variable sizes, an empty part included
            List<long[]> ids = group.allGather(r == 0 ? new long[] {5, 7, 9} : new long[0]);
            Tensor w = r == 0 ? torch.full(new long[] {2, 2}, new org.bytedeco.pytorch.Scalar(3.0)) : torch.zeros(2, 2);
            group.broadcast(List.of(w));
            String word = group.broadcast("word", r == 0 ? "from rank 0" : "ignored");
            return sums[0] + "," + sums[1] + " " + a.sum().item_float() + " " + b.sum().item_float() + " "
                    + ids.get(0).length + ids.get(1).length + ids.get(0)[2] + " " + w.sum().item_float() + " " + word;
        });
        for (Future<String> result : results) {
            assertEquals("3,10 18.0 120.0 309 12.0 from rank 0", result.get());
        }
    }

    @Test
    void largeReductionsGoInSeveralBuckets() throws Exception {
        // 3 x 16 MiB and two small tensors: buckets of at most 25 MiB, every element summed once
        List<Future<String>> results = onTwoRanks(30, group -> {
            double value = group.rank() + 1.0;
            List<Tensor> tensors = new ArrayList<>();
            tensors.add(torch.full(new long[] {3}, new org.bytedeco.pytorch.Scalar(value)));
            for (int i = 0; i < 3; i++) {
                tensors.add(torch.full(new long[] {4 << 20}, new org.bytedeco.pytorch.Scalar(value)));
            }
            tensors.add(torch.full(new long[] {2, 2}, new org.bytedeco.pytorch.Scalar(value)));
            long before = group.bytesSent();
            group.allReduceSum(tensors);
            double total = 0;
            for (Tensor t : tensors) {
                total += t.sum().item_double();
            }
            return total + " " + (group.bytesSent() - before);
        });
        long elements = 3 + 3L * (4 << 20) + 4;
        for (Future<String> result : results) {
            assertEquals((3.0 * elements) + " " + (4 * elements), result.get());
        }
    }

    @Test
    void ranksWithDifferentConfigsAreRefused() throws Exception {
        List<Future<Object>> results = onTwoRanks(30, group -> {
            group.requireSame("config", "epochs: " + (group.rank() + 1));
            return null;
        });
        for (Future<Object> result : results) {
            ExecutionException e = assertThrows(ExecutionException.class, result::get);
            assertTrue(e.getCause() instanceof UqaException, String.valueOf(e.getCause()));
            assertTrue(e.getCause().getMessage().startsWith("ranks run different configs"), e.getCause().getMessage());
        }
    }

    @Test
    void aLostRankIsNamedInsteadOfHanging() throws Exception {
        long start = System.nanoTime();
        List<Future<Object>> results = onTwoRanks(20, group -> {
            // both ranks finish connecting first (leaving during the connection would fail rank 0's connect instead)
            group.allReduceSum(new long[] {1});
            if (group.rank() == 1) {
                return null;   // leaves: its connections close, as a killed process's do
            }
            group.during("test step 7");
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            group.allReduceSum(new long[] {1});
            return null;
        });
        ExecutionException e = assertThrows(ExecutionException.class, () -> results.get(0).get());
        String message = e.getCause().getMessage();
        assertTrue(e.getCause() instanceof UqaException, String.valueOf(e.getCause()));
        assertTrue(message.startsWith("rank 1 of 2 was lost during test step 7"), message);
        assertTrue((System.nanoTime() - start) / 1e9 < 20, "took " + (System.nanoTime() - start) / 1e9 + " s");
    }

    @Test
    void aRankThatNeverJoinsStopsTheRendezvous() throws IOException {
        long start = System.nanoTime();
        UqaException e = assertThrows(UqaException.class,
                () -> Group.connect(new DistEnv(0, 2, 0, "127.0.0.1", freePort(), 2)));
        assertTrue(e.getMessage().contains("timed out after 2 s"), e.getMessage());
        assertTrue((System.nanoTime() - start) / 1e9 < 15);
    }

    @Test
    void aPortInUseIsNamed() throws IOException {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            int port = taken.getLocalPort();
            UqaException e = assertThrows(UqaException.class,
                    () -> Group.connect(new DistEnv(0, 2, 0, "127.0.0.1", port, 5)));
            assertEquals("MASTER_PORT " + port + " is in use on this machine: rank 0 cannot host the rendezvous store "
                    + "there; choose another port (uqabench launch --master-port)", e.getMessage());
        }
    }

    @Test
    void oneProcessIsTheIdentity() {
        Group single = Group.single();
        assertArrayEquals(new long[] {4, 5}, single.allReduceSum(new long[] {4, 5}));
        assertEquals(1, single.allGather(new long[] {1, 2}).size());
        assertEquals("x", single.broadcast("k", "x"));
    }
}
