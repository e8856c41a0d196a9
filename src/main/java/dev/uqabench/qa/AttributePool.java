package dev.uqabench.qa;

import dev.uqabench.data.Event;
import dev.uqabench.data.EventText;
import dev.uqabench.data.Feature;
import dev.uqabench.data.SequenceSource;
import dev.uqabench.data.UserSequence;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * Clicks per title, category, brand and shop name over a set of users (the training users: test
 * users never shape the options): the weights distractors of df, ip and ap questions are drawn by.
 *
 * <p>Built in two passes so that nothing is decoded but the kept names: the first counts clicks
 * per id, the second decodes the text of the {@code keep} most clicked ids of each kind. Ids that
 * share a name add up.
 */
public final class AttributePool {

    /** Names kept per kind: enough for the long tail of a real catalogue's next clicks. */
    public static final int DEFAULT_KEEP = 50_000;

    private final Map<Attribute, Map<String, Long>> counts;
    private final Map<String, Long> titleCounts;

    /** @param counts clicks per name and attribute; {@code titleCounts} likewise for titles */
    public AttributePool(Map<Attribute, Map<String, Long>> counts, Map<String, Long> titleCounts) {
        Map<Attribute, Map<String, Long>> copy = new EnumMap<>(Attribute.class);
        for (Attribute attribute : Attribute.values()) {
            copy.put(attribute, nonBlank(counts.getOrDefault(attribute, Map.of())));
        }
        this.counts = Collections.unmodifiableMap(copy);
        this.titleCounts = nonBlank(titleCounts);
    }

    /** Names of an attribute, most clicked first (ties by name). */
    public List<String> popular(Attribute attribute) {
        return ranked(counts.get(attribute));
    }

    /** Item titles, most clicked first (ties by name). */
    public List<String> popularTitles() {
        return ranked(titleCounts);
    }

    /** Clicks per name for each {@code click:} slot of {@link OptionSampler}. */
    Map<String, Map<String, Long>> clickSlots() {
        Map<String, Map<String, Long>> slots = new HashMap<>();
        for (Attribute attribute : Attribute.values()) {
            slots.put(OptionSlots.clicks(attribute), counts.get(attribute));
        }
        slots.put(OptionSlots.TITLES, titleCounts);
        return slots;
    }

    /** Two passes over a source, {@code keep} names per kind. */
    public static AttributePool of(SequenceSource source, EventText text, int keep) {
        return of(() -> flatten(source.batches(256)), text, keep);
    }

    /** Two passes over the users (each {@code iterator()} call must start a fresh pass). */
    public static AttributePool of(Iterable<UserSequence> users, EventText text, int keep) {
        if (keep < 3) {
            throw new IllegalArgumentException("keep must be at least 3 (one question needs 3 distractors), got " + keep);
        }
        List<Feature> kinds = List.of(Feature.ITEM, Feature.CATEGORY, Feature.BRAND, Feature.SHOP);
        Map<Feature, Map<Long, long[]>> counts = new EnumMap<>(Feature.class);
        kinds.forEach(kind -> counts.put(kind, new HashMap<>()));
        for (UserSequence user : users) {
            for (Event event : user.events()) {
                for (Feature kind : kinds) {
                    counts.get(kind).computeIfAbsent(event.id(kind), id -> new long[1])[0]++;
                }
            }
        }
        Map<Feature, List<Long>> topIds = new EnumMap<>(Feature.class);
        kinds.forEach(kind -> topIds.put(kind, top(counts.get(kind), keep)));
        Map<Feature, Set<Long>> wanted = new EnumMap<>(Feature.class);
        kinds.forEach(kind -> wanted.put(kind, new HashSet<>(topIds.get(kind))));
        Map<Feature, Map<Long, String>> names = new EnumMap<>(Feature.class);
        kinds.forEach(kind -> names.put(kind, new HashMap<>()));
        for (UserSequence user : users) {
            for (Event event : user.events()) {
                for (Feature kind : kinds) {
                    long id = event.id(kind);
                    Map<Long, String> named = names.get(kind);
                    if (wanted.get(kind).contains(id) && !named.containsKey(id)) {
                        named.put(id, textOf(kind, event, text));
                    }
                }
            }
        }
        Map<Attribute, Map<String, Long>> byName = new EnumMap<>(Attribute.class);
        for (Attribute attribute : Attribute.values()) {
            Feature kind = attribute.idFeature();
            byName.put(attribute, byName(topIds.get(kind), names.get(kind), counts.get(kind)));
        }
        return new AttributePool(byName, byName(topIds.get(Feature.ITEM), names.get(Feature.ITEM), counts.get(Feature.ITEM)));
    }

    private static String textOf(Feature kind, Event event, EventText text) {
        String value = switch (kind) {
            case ITEM -> text.title(event);
            case CATEGORY -> text.category(event);
            case BRAND -> text.brand(event);
            case SHOP -> text.shop(event);
            default -> throw new IllegalArgumentException(kind.toString());
        };
        return value == null ? "" : value.strip();
    }

    private static List<Long> top(Map<Long, long[]> counts, int keep) {
        return counts.entrySet().stream()
                .sorted(Comparator.<Map.Entry<Long, long[]>>comparingLong(e -> -e.getValue()[0])
                        .thenComparingLong(Map.Entry::getKey))
                .limit(keep)
                .map(Map.Entry::getKey)
                .toList();
    }

    private static Map<String, Long> byName(List<Long> ids, Map<Long, String> names, Map<Long, long[]> clicks) {
        Map<String, Long> out = new HashMap<>();
        for (Long id : ids) {
            String name = names.get(id);
            if (name != null) {
                out.merge(name, clicks.get(id)[0], Long::sum);
            }
        }
        return out;
    }

    private static Map<String, Long> nonBlank(Map<String, Long> counts) {
        Map<String, Long> kept = new HashMap<>();
        counts.forEach((name, count) -> {
            if (name != null && !name.isBlank() && count != null && count > 0) {
                kept.merge(name.strip(), count, Long::sum);
            }
        });
        return Collections.unmodifiableMap(kept);
    }

    private static List<String> ranked(Map<String, Long> counts) {
        List<String> names = new ArrayList<>(counts.keySet());
        names.sort(Comparator.<String>comparingLong(counts::get).reversed().thenComparing(Comparator.naturalOrder()));
        return List.copyOf(names);
    }

    private static Iterator<UserSequence> flatten(Iterator<List<UserSequence>> batches) {
        return new Iterator<>() {
            private Iterator<UserSequence> current = Collections.emptyIterator();

            @Override
            public boolean hasNext() {
                while (!current.hasNext() && batches.hasNext()) {
                    current = batches.next().iterator();
                }
                return current.hasNext();
            }

            @Override
            public UserSequence next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return current.next();
            }
        };
    }
}
