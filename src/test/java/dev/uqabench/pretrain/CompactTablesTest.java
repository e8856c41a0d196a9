package dev.uqabench.pretrain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uqabench.base.UqaException;
import dev.uqabench.data.Event;
import dev.uqabench.data.Table;
import dev.uqabench.data.UserSequence;
import dev.uqabench.encoder.EventBatch;
import dev.uqabench.encoder.TableRows;
import dev.uqabench.encoder.TableSizes;
import dev.uqabench.encoder.ToyData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tables sized to the ids that occur: a small log over a large catalogue. */
class CompactTablesTest {

    private static final int ITEMS = 60;
    private static final long CATALOGUE = 1_000_000;
    private static final TableSizes LARGE = TableSizes.uniform(CATALOGUE);

    /** The toy users with every id spread over a million-id catalogue (id -> 9,973 id + 17). */
    private static List<UserSequence> spread(List<UserSequence> users) {
        List<UserSequence> out = new ArrayList<>();
        for (UserSequence user : users) {
            List<Event> events = new ArrayList<>();
            for (Event e : user.events()) {
                long[][] tokens = new long[e.tokens().length][];
                for (int t = 0; t < tokens.length; t++) {
                    tokens[t] = java.util.Arrays.stream(e.tokens()[t]).map(CompactTablesTest::spread).toArray();
                }
                events.add(new Event(spread(e.item()), spread(e.category()), spread(e.brand()), spread(e.shop()),
                        spread(e.seller()), tokens));
            }
            out.add(new UserSequence(user.user(), events));
        }
        return out;
    }

    private static long spread(long id) {
        return id * 9_973 + 17;
    }

    private static final List<UserSequence> TRAIN = spread(ToyData.strideUsers(160, ITEMS, 5, 20, 1));
    private static final List<UserSequence> EVAL = spread(ToyData.strideUsers(40, ITEMS, 5, 20, 2));

    private static PretrainConfig tiny(CompactTables mode) {
        PretrainConfig c = PretrainerTest.tiny("sasrec");
        return new PretrainConfig(c.encoder(), c.preset(), c.featureSet(), c.maxLength(), c.batchSize(), c.epochs(),
                c.learningRate(), c.weightDecay(), c.warmupSteps(), c.clipNorm(), LossType.AUTO, c.negatives(),
                c.checkpointEvery(), c.evalUsers(), c.seed(), c.schedule(), mode, c.precision(),
                c.tableMoments());
    }

    @Test
    void rowsMapOccurringIdsInOrderAndEveryOtherIdToTheUnseenRow() {
        TableRows rows = TableRows.compacted(LARGE, Map.of(Table.ITEM, new long[] {5, 70, 999_999}));
        assertEquals(4, rows.rows().size(Table.ITEM));
        assertEquals(CATALOGUE, rows.rows().size(Table.BRAND), "tables not compacted stay whole");
        assertEquals(1, rows.row(Table.ITEM, 5));
        assertEquals(3, rows.row(Table.ITEM, 999_999));
        assertEquals(TableRows.UNSEEN_ROW, rows.row(Table.ITEM, 6));
        assertEquals(42, rows.row(Table.BRAND, 42));
        UqaException e = assertThrows(UqaException.class,
                () -> TableRows.compacted(LARGE, Map.of(Table.ITEM, new long[] {7, 7})));
        assertTrue(e.getMessage().contains("item_id"), e.getMessage());
    }

    @Test
    void batchesCarryRowsAndLabelsAsRows() {
        TableRows rows = TableRows.compacted(LARGE, Map.of(Table.ITEM, new long[] {spread(3), spread(4), spread(5)}));
        UserSequence user = new UserSequence("u", List.of(ToyData.event(3, ITEMS), ToyData.event(4, ITEMS), ToyData.event(5, ITEMS))
                .stream().map(e -> new Event(spread(e.item()), e.category(), e.brand(), e.shop(), e.seller(), e.tokens())).toList());
        EventBatch batch = EventBatch.lastEvents(List.of(user), 8, PretrainerTest.tiny("sasrec").featureSet(), rows);
        assertArrayEquals(new long[] {2, 3, EventBatch.IGNORE}, batch.labelArray());
        assertEquals(3, batch.maxId(Table.ITEM));
    }

    @Test
    void autoCompactsASmallLogOverALargeCatalogueAndPicksTheLossByItsLogits() {
        PretrainPlan plan = PretrainPlan.of(tiny(CompactTables.AUTO), LARGE,
                List.of(ToyData.source(TRAIN), ToyData.source(EVAL)));
        assertEquals(ITEMS + 1, plan.rows().rows().size(Table.ITEM), plan.describe());
        assertTrue(plan.rows().isCompacted(Table.TOKENS));
        assertEquals(LossType.FULL_SOFTMAX, plan.loss(), "61 items fit any budget");

        PretrainPlan whole = PretrainPlan.of(tiny(CompactTables.NEVER), LARGE, List.of(ToyData.source(TRAIN)));
        assertFalse(whole.rows().isCompacted(Table.ITEM));
        // 16 users x 16 events x 1M items x 4 copies x 4 bytes = 16 GiB of logits: auto trains sampled softmax
        assertEquals(LossType.SAMPLED_SOFTMAX, whole.loss(), whole.describe());
        assertTrue(whole.describe().contains("full softmax's logits would take"), whole.describe());

        // a table the log mostly uses stays whole under auto (and trains exactly as before); the toy's
        // categories (item mod 10) use 10 of 60 ids and are compacted
        PretrainPlan dense = PretrainPlan.of(tiny(CompactTables.AUTO), TableSizes.uniform(ITEMS),
                List.of(ToyData.source(ToyData.strideUsers(160, ITEMS, 5, 20, 1))));
        assertFalse(dense.rows().isCompacted(Table.ITEM), dense.describe());
        assertEquals(11, dense.rows().rows().size(Table.CATEGORY), dense.describe());
    }

    @Test
    void aPlanBeyondTheMachineStopsWithAHintNamingTheKeys() {
        PretrainConfig full = tiny(CompactTables.NEVER).withLoss(LossType.FULL_SOFTMAX, 1024);
        PretrainPlan plan = PretrainPlan.of(full, LARGE, List.of(ToyData.source(TRAIN)));
        UqaException e = assertThrows(UqaException.class, () -> plan.check(8L << 30));
        assertTrue(e.getMessage().contains("pretrain.loss: sampled_softmax") && e.getMessage().contains("GiB"),
                e.getMessage());
        plan.check(0); // unknown machine size: no check
        PretrainPlan.of(tiny(CompactTables.AUTO), LARGE, List.of(ToyData.source(TRAIN))).check(8L << 30);
    }

    @Test
    void aCompactedEncoderLearnsAndReadsBackWithItsIdMap(@TempDir Path dir) {
        PretrainConfig config = tiny(CompactTables.AUTO);
        PretrainPlan plan = PretrainPlan.of(config, LARGE, List.of(ToyData.source(TRAIN), ToyData.source(EVAL)));
        PretrainConfig resolved = plan.resolve(config);
        PretrainResult result = Pretrainer.run(resolved, plan.rows(), ToyData.source(TRAIN), ToyData.source(EVAL), dir,
                new dev.uqabench.train.TrainingListener() { }, false);
        assertTrue(result.bestMetrics().get("recall@5") > 0.5, result.bestMetrics().toString());
        assertTrue(Files.exists(dir.resolve("best").resolve(EncoderCheckpoint.TABLE_IDS_FILE)));

        LoadedEncoder loaded = EncoderCheckpoint.load(dir);
        assertEquals(ITEMS + 1, loaded.tableSizes().size(Table.ITEM));
        assertEquals(plan.rows().rows(), loaded.model().embedding().tableRows().rows());
        assertArrayEquals(plan.rows().occurring().get(Table.ITEM), loaded.model().embedding().tableRows().occurring().get(Table.ITEM));
        assertEquals(result.bestMetrics(), Evaluator.evaluate(loaded.model(), ToyData.source(EVAL), loaded.config()));

        // an id the data never showed reads the unseen row instead of failing
        UserSequence stranger = new UserSequence("new", List.of(ToyData.event(3, ITEMS), ToyData.event(4, ITEMS))
                .stream().map(e -> new Event(123_457, e.category(), e.brand(), e.shop(), e.seller(), e.tokens())).toList());
        try (PointerScope scope = new PointerScope(); NoGradGuard guard = new NoGradGuard()) {
            Tensor states = loaded.model().states(loaded.batch(List.of(stranger)));
            assertEquals(2, states.size(1));
        }
    }

    @Test
    void aCheckpointWhoseIdMapDisagreesWithItsTablesIsRefused(@TempDir Path dir) throws Exception {
        PretrainConfig config = tiny(CompactTables.ALWAYS).withEpochs(1);
        PretrainPlan plan = PretrainPlan.of(config, LARGE, List.of(ToyData.source(TRAIN), ToyData.source(EVAL)));
        Pretrainer.run(plan.resolve(config), plan.rows(), ToyData.source(TRAIN), ToyData.source(EVAL), dir,
                new dev.uqabench.train.TrainingListener() { }, false);
        Path ids = dir.resolve("best").resolve(EncoderCheckpoint.TABLE_IDS_FILE);
        Map<Table, long[]> fewer = new EnumMap<>(plan.rows().occurring());
        fewer.put(Table.ITEM, java.util.Arrays.copyOf(fewer.get(Table.ITEM), 10));
        try (PointerScope scope = new PointerScope()) {
            Map<String, Tensor> tensors = new java.util.LinkedHashMap<>();
            fewer.forEach((table, values) -> tensors.put(table.key(), Tensor.create(values, values.length)));
            dev.uqabench.tensor.Safetensors.write(ids, tensors);
        }
        UqaException e = assertThrows(UqaException.class, () -> EncoderCheckpoint.load(dir));
        assertTrue(e.getMessage().contains(EncoderCheckpoint.TABLE_IDS_FILE), e.getMessage());
    }
}
