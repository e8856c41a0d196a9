package dev.uqabench.qa;

import dev.uqabench.data.Event;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Contexts built so that the question would be ambiguous: every seed must drop it. */
class AmbiguityFiltersTest {

    private static final QuestionConfig CONFIG = QuestionConfig.defaults();
    private static final AttributePool POOL = new AttributePool(Map.of(
            Attribute.CATEGORY, List.of(TinyWorld.CATEGORIES),
            Attribute.BRAND, List.of(TinyWorld.BRANDS),
            Attribute.SHOP, List.of(TinyWorld.SHOPS)), List.of("商品1号", "商品2号", "商品3号", "商品4号"));

    /** Clicks of the given categories, each click's brand equal to its category index (so brand ties mirror category ties). */
    private static List<Event> clicks(int... categories) {
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < categories.length; i++) {
            events.add(TinyWorld.event(1000 + i, categories[i], categories[i], 0));
        }
        return events;
    }

    private static int[] repeat(int category, int times) {
        int[] out = new int[times];
        java.util.Arrays.fill(out, category);
        return out;
    }

    private static int[] concat(int[]... parts) {
        return java.util.Arrays.stream(parts).flatMapToInt(java.util.Arrays::stream).toArray();
    }

    private static int built(Subtask subtask, List<Event> context, Event next, AttributePool pool) {
        SubtaskBuilder builder = SubtaskBuilder.of(subtask, CONFIG, TinyWorld.TEXT, pool);
        int built = 0;
        for (int seed = 0; seed < 50; seed++) {
            Optional<Draft> draft = builder.draft(context, next, new Random(seed));
            built += draft.isPresent() ? 1 : 0;
        }
        return built;
    }

    @Test
    void shortTermInterestTieIsDropped() {
        // last 10 clicks: 5 of category 1, 5 of category 2
        List<Event> tie = clicks(concat(repeat(0, 20), repeat(1, 5), repeat(2, 5)));
        assertEquals(0, built(Subtask.SI, tie, null, POOL));
        List<Event> clear = clicks(concat(repeat(0, 20), repeat(1, 6), repeat(2, 4)));
        assertEquals(50, built(Subtask.SI, clear, null, POOL), "control: a clear leader is asked about");
    }

    @Test
    void longTermInterestTieAtTheThirdPlaceIsDropped() {
        List<Event> tie = clicks(concat(repeat(0, 9), repeat(1, 7), repeat(2, 5), repeat(3, 5)));
        assertEquals(0, built(Subtask.LI, tie, null, POOL));
        List<Event> tieInTop = clicks(concat(repeat(0, 7), repeat(1, 7), repeat(2, 5), repeat(3, 2)));
        assertEquals(0, built(Subtask.LI, tieInTop, null, POOL));
        List<Event> clear = clicks(concat(repeat(0, 9), repeat(1, 7), repeat(2, 5), repeat(3, 4)));
        assertEquals(50, built(Subtask.LI, clear, null, POOL), "control");
    }

    @Test
    void trajectoryWithRepeatedConsecutiveCategoryIsDropped() {
        List<Event> repeated = clicks(concat(repeat(0, 10), repeat(0, 10), repeat(1, 10)));
        assertEquals(0, built(Subtask.IT, repeated, null, POOL));
        List<Event> tiedWindow = clicks(concat(repeat(0, 10), repeat(1, 5), repeat(2, 5), repeat(3, 10)));
        assertEquals(0, built(Subtask.IT, tiedWindow, null, POOL));
        List<Event> backAndForth = clicks(concat(repeat(0, 10), repeat(1, 10), repeat(0, 10)));
        assertEquals(50, built(Subtask.IT, backAndForth, null, POOL), "control: A -> B -> A is a real transition");
    }

    @Test
    void tooFewDistinctCandidatesAreDropped() {
        AttributePool tiny = new AttributePool(Map.of(Attribute.CATEGORY, List.of("女装", "男鞋"),
                Attribute.BRAND, List.of("品牌甲"), Attribute.SHOP, List.of("旗舰店一")), List.of("商品1号", "商品2号"));
        Event next = TinyWorld.event(1, 0, 0, 0);
        assertEquals(0, built(Subtask.IP, clicks(0, 0, 0), next, tiny), "only one title besides the answer");
        assertEquals(0, built(Subtask.AP, clicks(0, 0, 0), next, tiny));
        assertEquals(0, built(Subtask.DF, clicks(0, 0, 0), null, tiny));
        assertTrue(built(Subtask.IP, clicks(0, 0, 0), next, POOL) == 50, "control: enough popular titles");
    }

    @Test
    void numericOptionsAreDistinctNonNegativeAndNearby() {
        for (int answer = 0; answer < 300; answer += 7) {
            Random rng = new Random(answer);
            List<String> options = Picks.numeric(answer, rng);
            assertEquals(3, new java.util.HashSet<>(options).size());
            for (String option : options) {
                int value = Integer.parseInt(option);
                assertTrue(value >= 0 && value != answer, option + " for " + answer);
                assertTrue(Math.abs(value - answer) <= 4 * Math.max(1, Math.round(answer / 10f)), option + " for " + answer);
            }
        }
    }
}
