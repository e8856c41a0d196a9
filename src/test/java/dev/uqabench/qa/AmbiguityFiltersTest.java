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

    private static int built(Subtask subtask, List<Event> context, Event next) {
        SubtaskBuilder builder = SubtaskBuilder.of(subtask, CONFIG, TinyWorld.TEXT);
        int built = 0;
        for (int seed = 0; seed < 50; seed++) {
            Optional<Ask> ask = builder.ask(context, next, new Random(seed));
            built += ask.isPresent() ? 1 : 0;
        }
        return built;
    }

    @Test
    void shortTermInterestTieIsDropped() {
        // last 10 clicks: 5 of category 1, 5 of category 2
        List<Event> tie = clicks(concat(repeat(0, 20), repeat(1, 5), repeat(2, 5)));
        assertEquals(0, built(Subtask.SI, tie, null));
        List<Event> clear = clicks(concat(repeat(0, 20), repeat(1, 6), repeat(2, 4)));
        assertEquals(50, built(Subtask.SI, clear, null), "control: a clear leader is asked about");
    }

    @Test
    void longTermInterestTieAtTheThirdPlaceIsDropped() {
        List<Event> tie = clicks(concat(repeat(0, 9), repeat(1, 7), repeat(2, 5), repeat(3, 5)));
        assertEquals(0, built(Subtask.LI, tie, null));
        List<Event> tieInTop = clicks(concat(repeat(0, 7), repeat(1, 7), repeat(2, 5), repeat(3, 2)));
        assertEquals(0, built(Subtask.LI, tieInTop, null));
        List<Event> clear = clicks(concat(repeat(0, 9), repeat(1, 7), repeat(2, 5), repeat(3, 4)));
        assertEquals(50, built(Subtask.LI, clear, null), "control");
    }

    @Test
    void trajectoryWithRepeatedConsecutiveCategoryIsDropped() {
        InterestTrajectoryQuestions it = new InterestTrajectoryQuestions(CONFIG, TinyWorld.TEXT);
        List<Event> repeated = clicks(concat(repeat(0, 10), repeat(0, 10), repeat(1, 10)));
        assertTrue(it.path(repeated, 10, Attribute.CATEGORY).isEmpty());
        List<Event> tiedWindow = clicks(concat(repeat(0, 10), repeat(1, 5), repeat(2, 5), repeat(3, 10)));
        assertTrue(it.path(tiedWindow, 10, Attribute.CATEGORY).isEmpty());
        List<Event> backAndForth = clicks(concat(repeat(0, 10), repeat(1, 10), repeat(0, 10)));
        assertEquals(List.of("女装", "男鞋", "女装"), it.path(backAndForth, 10, Attribute.CATEGORY).orElseThrow(),
                "control: A -> B -> A is a real transition");
        assertEquals(0, built(Subtask.IT, repeated, null), "no window from 7 to 13 gives a transition here");
    }
}
