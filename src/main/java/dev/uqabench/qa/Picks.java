package dev.uqabench.qa;

import dev.uqabench.data.Event;
import dev.uqabench.data.EventText;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/** Counting clicks per name and drawing distractors, shared by the sub-task builders. */
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

    /**
     * Three distinct non-blank names other than the answer, taken from the tiers in turn (each tier
     * shuffled), or empty when the tiers hold fewer than three.
     */
    @SafeVarargs
    static Optional<List<String>> distractors(String answer, Random rng, List<String>... tiers) {
        Set<String> chosen = new LinkedHashSet<>();
        for (List<String> tier : tiers) {
            for (String name : shuffled(tier, rng)) {
                if (chosen.size() == 3) {
                    return Optional.of(List.copyOf(chosen));
                }
                if (name != null && !name.isBlank() && !name.equals(answer)) {
                    chosen.add(name);
                }
            }
        }
        return chosen.size() == 3 ? Optional.of(List.copyOf(chosen)) : Optional.empty();
    }

    /**
     * Three distinct non-negative numbers that make, with the answer, four evenly spaced values
     * (steps of about a tenth of the answer, at least 1). The answer's rank among the four is drawn
     * uniformly from the ranks that keep every value non-negative, so the options' order of size
     * tells nothing about which one is right (except that a small answer cannot be the largest).
     */
    static List<String> numeric(int answer, Random rng) {
        int step = Math.max(1, Math.round(answer / 10f));
        int rank = rng.nextInt(Math.min(3, answer / step) + 1);
        List<String> out = new ArrayList<>(3);
        for (int i = 0; i < 4; i++) {
            if (i != rank) {
                out.add(String.valueOf(answer + (i - rank) * step));
            }
        }
        return out;
    }

    static List<String> shuffled(Collection<String> names, Random rng) {
        List<String> copy = new ArrayList<>(names);
        Collections.shuffle(copy, rng);
        return copy;
    }

    static List<String> head(List<String> names, int n) {
        return names.subList(0, Math.min(n, names.size()));
    }

    static <T> T any(List<T> items, Random rng) {
        return items.get(rng.nextInt(items.size()));
    }

    /** The distinct union of lists, in order of first appearance. */
    @SafeVarargs
    static List<String> union(List<String>... lists) {
        Set<String> all = new LinkedHashSet<>();
        for (List<String> list : lists) {
            all.addAll(list);
        }
        return List.copyOf(all);
    }
}
