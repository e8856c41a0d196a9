package dev.uqabench.pretrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uqabench.data.Table;
import dev.uqabench.data.UserSequence;
import dev.uqabench.encoder.FeatureSet;
import dev.uqabench.encoder.TableSizes;
import dev.uqabench.encoder.ToyData;
import dev.uqabench.train.StepEvent;
import dev.uqabench.train.TrainingListener;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampledSoftmaxTest {

    private static final int ITEMS = 60;
    private static final List<UserSequence> TRAIN = ToyData.strideUsers(160, ITEMS, 5, 20, 1);
    private static final List<UserSequence> EVAL = ToyData.strideUsers(40, ITEMS, 5, 20, 2);

    private static PretrainConfig sampled() {
        return PretrainerTest.tiny("sasrec").withLoss(LossType.SAMPLED_SOFTMAX, 16);
    }

    @Test
    void learnsTheStridePatternFromSampledNegatives(@TempDir Path dir) {
        PretrainResult result = Pretrainer.run(sampled(), TableSizes.uniform(ITEMS), ToyData.source(TRAIN),
                ToyData.source(EVAL), dir, TrainingListener.NONE, false);
        assertTrue(result.bestMetrics().get("recall@10") > 0.5, result.bestMetrics().toString());
    }

    @Test
    void resumeAfterAKillEndsLikeAnUninterruptedRun(@TempDir Path dir) {
        PretrainConfig config = sampled().withEpochs(2).withCheckpointEvery(5);
        TableSizes sizes = TableSizes.uniform(ITEMS);
        PretrainResult uninterrupted = Pretrainer.run(config, sizes, ToyData.source(TRAIN), ToyData.source(EVAL),
                dir.resolve("a"), TrainingListener.NONE, false);
        try {
            Pretrainer.run(config, sizes, ToyData.source(TRAIN), ToyData.source(EVAL), dir.resolve("b"),
                    new TrainingListener() {
                        @Override
                        public void onStep(StepEvent event) {
                            if (event.step() == 13) {
                                throw new IllegalStateException("killed");
                            }
                        }
                    }, false);
        } catch (IllegalStateException expected) {
            // the simulated kill
        }
        PretrainResult resumed = Pretrainer.run(config, sizes, ToyData.source(TRAIN), ToyData.source(EVAL),
                dir.resolve("b"), TrainingListener.NONE, true);
        assertEquals(uninterrupted.epochLosses(), resumed.epochLosses());
        assertEquals(uninterrupted.epochMetrics(), resumed.epochMetrics());
    }

    @Test
    void onlyTouchedItemRowsMoveUnderSampledSoftmax(@TempDir Path dir) {
        // 2000-row table, data uses items < 60: rows the batches and negatives never touch must stay put
        int tableRows = 2000;
        PretrainConfig config = sampled().withFeatureSet(FeatureSet.ID_ONLY).withEpochs(1).withLoss(LossType.SAMPLED_SOFTMAX, 4);
        TableSizes sizes = TableSizes.uniform(tableRows);
        Pretrainer.run(config, sizes, ToyData.source(TRAIN), ToyData.source(EVAL), dir, TrainingListener.NONE, false);
        var trained = EncoderCheckpoint.load(dir).model();
        var initial = EncoderCheckpoint.newModel(config, sizes);
        try (PointerScope scope = new PointerScope()) {
            Tensor changed = trained.embedding().table(Table.ITEM).ne(initial.embedding().table(Table.ITEM))
                    .any(1).sum();
            long rows = changed.item_long();
            long steps = (TRAIN.size() + 15) / 16;
            assertTrue(rows >= ITEMS / 2, "the data's items should move: " + rows);
            assertTrue(rows <= ITEMS + steps * 4, rows + " rows moved; at most " + (ITEMS + steps * 4) + " were touched");
        }
    }
}
