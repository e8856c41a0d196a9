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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * The most clicked titles, categories, brands and shops over all users: where distractors come
 * from when a user's own history offers too few (popular names make plausible wrong options).
 *
 * <p>Built in two passes so that nothing is decoded but the kept names: the first counts clicks
 * per id, the second decodes the text of the {@code keep} most clicked ids of each kind.
 */
public final class AttributePool {

    public static final int DEFAULT_KEEP = 1000;

    private final Map<Attribute, List<String>> popular;
    private final List<String> popularTitles;

    /** @param popular names per attribute, most clicked first; {@code popularTitles} likewise */
    public AttributePool(Map<Attribute, List<String>> popular, List<String> popularTitles) {
        Map<Attribute, List<String>> copy = new EnumMap<>(Attribute.class);
        for (Attribute attribute : Attribute.values()) {
            copy.put(attribute, distinctNonBlank(popular.getOrDefault(attribute, List.of())));
        }
        this.popular = Collections.unmodifiableMap(copy);
        this.popularTitles = distinctNonBlank(popularTitles);
    }

    /** Names of an attribute, most clicked first. */
    public List<String> popular(Attribute attribute) {
        return popular.get(attribute);
    }

    /** Item titles, most clicked first. */
    public List<String> popularTitles() {
        return popularTitles;
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
        Map<Attribute, List<String>> popular = new EnumMap<>(Attribute.class);
        for (Attribute attribute : Attribute.values()) {
            popular.put(attribute, inOrder(topIds.get(attribute.idFeature()), names.get(attribute.idFeature())));
        }
        return new AttributePool(popular, inOrder(topIds.get(Feature.ITEM), names.get(Feature.ITEM)));
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

    private static List<String> inOrder(List<Long> ids, Map<Long, String> names) {
        List<String> out = new ArrayList<>();
        for (Long id : ids) {
            String name = names.get(id);
            if (name != null) {
                out.add(name);
            }
        }
        return out;
    }

    private static List<String> distinctNonBlank(List<String> names) {
        Set<String> kept = new LinkedHashSet<>();
        for (String name : names) {
            if (name != null && !name.isBlank()) {
                kept.add(name.strip());
            }
        }
        return List.copyOf(kept);
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
