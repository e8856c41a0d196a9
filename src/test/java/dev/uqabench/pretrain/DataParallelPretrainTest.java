package dev.uqabench.pretrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uqabench.data.UserSequence;
import dev.uqabench.dist.DistEnv;
import dev.uqabench.dist.Group;
import dev.uqabench.encoder.FeatureSet;
import dev.uqabench.encoder.TableRows;
import dev.uqabench.encoder.TableSizes;
import dev.uqabench.encoder.ToyData;
import dev.uqabench.train.EpochEvent;
import dev.uqabench.train.StepEvent;
import dev.uqabench.train.TrainingListener;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data-parallel pretraining over two ranks (two threads of this JVM, each its own Gloo group member over
 * loopback) follows one process with the same global batch: the same per-step losses (within 1e-4 relative; the
 * sums over ranks round differently) and the same ranking metrics, under full and sampled softmax, with the side
 * tables whose touched rows travel between the ranks. The encoders' dropout would draw other masks per slice, so
 * these run the dropout-free tiny preset.
 */
class DataParallelPretrainTest {

    private static final int ITEMS = 60;
    // 150 users in batches of 16: the last batch (6 users) splits 3 + 3; a batch of odd size splits unevenly
    private static final List<UserSequence> TRAIN = ToyData.strideUsers(150, ITEMS, 5, 20, 1);
    private static final List<UserSequence> EVAL = ToyData.strideUsers(45, ITEMS, 5, 20, 2);

    record Trace(List<Double> losses, PretrainResult result) {
    }

    @Test
    void twoRanksFollowOneProcessUnderFullSoftmax(@TempDir Path dir) throws Exception {
        compare(PretrainerTest.tiny("sasrec").withEpochs(2).withFeatureSet(FeatureSet.SIDE_INFO), dir);
    }

    @Test
    void twoRanksFollowOneProcessUnderSampledSoftmax(@TempDir Path dir) throws Exception {
        compare(PretrainerTest.tiny("sasrec").withEpochs(2).withLoss(LossType.SAMPLED_SOFTMAX, 16), dir);
    }

    private static void compare(PretrainConfig config, Path dir) throws Exception {
        Trace one = train(config, dir.resolve("one"), Group.single());
        List<Trace> ranks = twoRanks(config, dir);
        int steps = one.losses().size();
        assertTrue(steps >= 18, "steps " + steps);
        for (Trace rank : ranks) {
            assertEquals(steps, rank.losses().size());
            for (int i = 0; i < steps; i++) {
                double a = one.losses().get(i);
                double b = rank.losses().get(i);
                assertTrue(Math.abs(a - b) <= 1e-4 * Math.abs(a), "step " + (i + 1) + ": one process " + a + ", two ranks " + b);
            }
            for (int epoch = 0; epoch < one.result().epochMetrics().size(); epoch++) {
                Map<String, Double> expected = one.result().epochMetrics().get(epoch);
                Map<String, Double> actual = rank.result().epochMetrics().get(epoch);
                for (String key : List.of("recall@10", "ndcg@10", "recall@50")) {
                    assertEquals(expected.get(key), actual.get(key), 5e-4, "epoch " + (epoch + 1) + " " + key);
                }
            }
            assertEquals(one.result().bestEpoch(), rank.result().bestEpoch());
        }
        // the losses moved: the comparison is about training, not about two untrained models
        assertTrue(one.losses().get(steps - 1) < one.losses().get(0) - 0.3, one.losses().toString());
    }

    @Test
    void aTwoRankCheckpointResumesInOneProcess(@TempDir Path dir) throws Exception {
        PretrainConfig config = PretrainerTest.tiny("sasrec").withEpochs(2).withCheckpointEvery(5)
                .withLoss(LossType.SAMPLED_SOFTMAX, 16);
        Trace one = train(config, dir.resolve("one"), Group.single());
        // two ranks stop after step 12 (every rank at once, as a stop agreed between them): rank 0 keeps step 10's
        int port = freePort();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<Object>> ranks = new ArrayList<>();
        for (int rank = 0; rank < 2; rank++) {
            int r = rank;
            ranks.add(pool.submit(() -> {
                try (Group group = Group.connect(new DistEnv(r, 2, r, "127.0.0.1", port, 30))) {
                    Pretrainer.run(config, TableRows.identity(TableSizes.uniform(ITEMS)), ToyData.source(TRAIN),
                            ToyData.source(EVAL), dir.resolve("rank" + r), TrainingListener.onSteps(step -> {
                                if (step.step() == 12) {
                                    throw new IllegalStateException("stopped");
                                }
                            }), false, group);
                }
                return null;
            }));
        }
        for (Future<Object> rank : ranks) {
            assertThrows(java.util.concurrent.ExecutionException.class, rank::get);
        }
        pool.shutdown();
        assertTrue(java.nio.file.Files.exists(dir.resolve("rank0/last/trainer.json")), "rank 0 kept its checkpoint");
        assertTrue(!java.nio.file.Files.exists(dir.resolve("rank1")), "rank 1 wrote nothing");
        // one process goes on from it: the steps after 10 follow the uninterrupted one-process run
        List<Double> losses = new ArrayList<>();
        PretrainResult resumed = Pretrainer.run(config, TableRows.identity(TableSizes.uniform(ITEMS)), ToyData.source(TRAIN),
                ToyData.source(EVAL), dir.resolve("rank0"), TrainingListener.onSteps(step -> losses.add(step.loss())), true,
                Group.single());
        assertEquals(one.losses().size() - 10, losses.size());
        for (int i = 0; i < losses.size(); i++) {
            double a = one.losses().get(10 + i);
            assertEquals(a, losses.get(i), 1e-4 * Math.abs(a), "step " + (11 + i));
        }
        assertEquals(one.result().bestMetrics().get("recall@10"), resumed.bestMetrics().get("recall@10"), 5e-4);
    }

    /**
     * Rank 0 hosts the store. A rank 1 that reaches the end later than rank 0 still waits in it for rank 0's last
     * checkpoint; {@link Group#finish} keeps rank 0 (and its store) until then. Found as a flaky failure of the tests
     * above ("rank 0 of 2 was lost during waiting for rank 0's pretrain checkpoint of step 20"), whose helper closed
     * the group without it; here rank 1 is slow at the end of the (only) epoch, so the order is certain.
     */
    @Test
    void aRankSlowerThanRankZeroAtTheEndStillGetsItsLastCheckpoint(@TempDir Path dir) throws Exception {
        PretrainConfig config = PretrainerTest.tiny("sasrec").withEpochs(1).withLoss(LossType.SAMPLED_SOFTMAX, 16);
        List<Trace> ranks = twoRanks(config, dir, (rank, epoch) -> {
            if (rank == 1) {                              // after the epoch's evaluation, before its last checkpoint
                try {
                    Thread.sleep(1500);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        assertEquals(ranks.get(0).losses(), ranks.get(1).losses());
        assertTrue(java.nio.file.Files.exists(dir.resolve("rank0/last/trainer.json")), "rank 0 kept its checkpoint");
    }

    static List<Trace> twoRanks(PretrainConfig config, Path dir) throws Exception {
        return twoRanks(config, dir, (rank, epoch) -> { });
    }

    static List<Trace> twoRanks(PretrainConfig config, Path dir,
                                java.util.function.BiConsumer<Integer, EpochEvent> onEpoch) throws Exception {
        int port = freePort();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Trace>> futures = new ArrayList<>();
            for (int rank = 0; rank < 2; rank++) {
                int r = rank;
                futures.add(pool.submit(() -> {
                    try (Group group = Group.connect(new DistEnv(r, 2, r, "127.0.0.1", port, 30))) {
                        Trace trace = train(config, dir.resolve("rank" + r), group, epoch -> onEpoch.accept(r, epoch));
                        group.finish();                      // as run.Distributed ends a job
                        return trace;
                    }
                }));
            }
            List<Trace> traces = new ArrayList<>();
            for (Future<Trace> future : futures) {
                traces.add(future.get());
            }
            return traces;
        } finally {
            pool.shutdownNow();
        }
    }

    static Trace train(PretrainConfig config, Path dir, Group group) {
        return train(config, dir, group, epoch -> { });
    }

    static Trace train(PretrainConfig config, Path dir, Group group, java.util.function.Consumer<EpochEvent> onEpoch) {
        List<Double> losses = new ArrayList<>();
        PretrainResult result = Pretrainer.run(config, TableRows.identity(TableSizes.uniform(ITEMS)), ToyData.source(TRAIN),
                ToyData.source(EVAL), dir, new TrainingListener() {
                    @Override
                    public void onStep(StepEvent step) {
                        losses.add(step.loss());
                    }

                    @Override
                    public void onEpoch(EpochEvent epoch) {
                        onEpoch.accept(epoch);
                    }
                }, false, group);
        return new Trace(losses, result);
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
