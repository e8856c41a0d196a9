package dev.uqabench.encoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uqabench.data.Event;
import dev.uqabench.data.Feature;
import dev.uqabench.data.Table;
import dev.uqabench.data.UserSequence;
import dev.uqabench.base.UqaException;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.junit.jupiter.api.Test;

class EventBatchTest {

    private static UserSequence user(String name, long... items) {
        return new UserSequence(name, java.util.Arrays.stream(items).mapToObj(i -> ToyData.event(i, 100)).toList());
    }

    @Test
    void rightPadsToTheLongestRowAndLabelsTheNextItem() {
        EventBatch batch = EventBatch.lastEvents(List.of(user("a", 5, 6, 7), user("b", 9)), 8);
        assertEquals(3, batch.time());
        assertEquals(3, batch.length(0));
        assertEquals(1, batch.length(1));
        long I = EventBatch.IGNORE;
        assertArrayEquals(new long[] {6, 7, I, I, I, I}, batch.labelArray());
        try (PointerScope scope = new PointerScope()) {
            // item bags: one id per real event, empty bags at padding positions
            assertArrayEquals(new long[] {5, 6, 7, 9}, longs(batch.values(Feature.ITEM)));
            assertArrayEquals(new long[] {0, 1, 2, 3, 4, 4}, longs(batch.offsets(Feature.ITEM)));
            assertArrayEquals(new long[] {3, 1}, longs(batch.lengths()));
        }
    }

    @Test
    void readsOnlyTheLastMaxLengthEvents() {
        EventBatch batch = EventBatch.lastEvents(List.of(user("a", 1, 2, 3, 4, 5)), 2);
        assertEquals(2, batch.time());
        try (PointerScope scope = new PointerScope()) {
            assertArrayEquals(new long[] {4, 5}, longs(batch.values(Feature.ITEM)));
        }
        assertArrayEquals(new long[] {5, EventBatch.IGNORE}, batch.labelArray());
    }

    @Test
    void prefixesReadTheFirstEventsOnly() {
        EventBatch batch = EventBatch.prefixes(List.of(user("a", 1, 2, 3, 4, 5), user("b", 7, 8)),
                new int[] {3, 2}, 2, FeatureSet.ID_ONLY);
        try (PointerScope scope = new PointerScope()) {
            assertArrayEquals(new long[] {2, 3, 7, 8}, longs(batch.values(Feature.ITEM)));
        }
        assertTrue(!batch.has(Feature.TITLE_TOKENS));
        UqaException e = assertThrows(UqaException.class, () -> EventBatch.prefixes(
                List.of(user("a", 1, 2)), new int[] {3}, 4, FeatureSet.ID_ONLY));
        assertTrue(e.getMessage().contains("user 'a'"), e.getMessage());
    }

    @Test
    void tokenBagsHoldAllTokensOfAnEvent() {
        EventBatch batch = EventBatch.lastEvents(List.of(user("a", 3)), 4);
        Event event = ToyData.event(3, 100);
        try (PointerScope scope = new PointerScope()) {
            assertArrayEquals(event.values(Feature.BRAND_TOKENS), longs(batch.values(Feature.BRAND_TOKENS)));
            assertEquals(0, batch.values(Feature.SHOP_TOKENS).numel());
        }
        assertEquals(22, batch.maxId(Table.TOKENS)); // title token 3 * 7 + 1
    }

    static long[] longs(org.bytedeco.pytorch.Tensor t) {
        long[] out = new long[(int) t.numel()];
        t.contiguous().data_ptr_long().get(out);
        return out;
    }
}
