package dev.uqabench.qa;

import dev.uqabench.data.Event;
import dev.uqabench.data.EventText;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Counting clicks per name and drawing at random, shared by the sub-task builders. */
final class Picks {

    /** A name and how many clicks carry it. */
    record NameCount(String name, int count) {
    }

    private Picks() {
    }

    /** Non-blank names of an attribute over the events, most clicked first (ties by name, for determinism). */
    static List<NameCount> ranked(List<Event> events, Attribute attribute, EventText text) {
        Map<String, Integer> counts = new HashMap<>();
        for (Event event : events) {
            String name = attribute.of(event, text);
            if (!name.isEmpty()) {
                counts.merge(name, 1, Integer::sum);
            }
        }
        List<NameCount> ranked = new ArrayList<>();
        counts.forEach((name, count) -> ranked.add(new NameCount(name, count)));
        ranked.sort(Comparator.comparingInt(NameCount::count).reversed().thenComparing(NameCount::name));
        return ranked;
    }

    static List<String> names(List<NameCount> ranked) {
        return ranked.stream().map(NameCount::name).toList();
    }

    /** Whether the first entry is strictly ahead of the second (no tie for "most"). */
    static boolean clearLeader(List<NameCount> ranked) {
        return !ranked.isEmpty() && (ranked.size() == 1 || ranked.get(0).count() > ranked.get(1).count());
    }

    static <T> T any(List<T> items, Random rng) {
        return items.get(rng.nextInt(items.size()));
    }
}
