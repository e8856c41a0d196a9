package dev.uqabench.qa;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Names with weights (click counts, or how often each was an answer), split into popularity tiers
 * (powers of two of the weight, merged until each tier has {@link #MIN_TIER} names). A distractor
 * for an answer is drawn from the answer's own tier in proportion to weight: when answers follow
 * the weights, each name then turns up as a distractor three times as often as it is the answer,
 * and an option's popularity says nothing about whether it is right.
 */
final class TieredNames {

    static final int MIN_TIER = 8;

    private final Map<String, Integer> tierOf = new HashMap<>();
    private final List<List<String>> tiers = new ArrayList<>();
    private final Map<String, Long> weights;

    private TieredNames(Map<String, Long> weights) {
        this.weights = weights;
    }

    /** Names with weight at least 1; blank names are ignored. */
    static TieredNames of(Map<String, Long> weights) {
        Map<String, Long> kept = new HashMap<>();
        weights.forEach((name, weight) -> {
            if (name != null && !name.isBlank() && weight != null && weight > 0) {
                kept.put(name, weight);
            }
        });
        TieredNames names = new TieredNames(kept);
        List<String> ordered = new ArrayList<>(kept.keySet());
        ordered.sort(Comparator.<String>comparingLong(kept::get).reversed().thenComparing(Comparator.naturalOrder()));
        List<String> current = new ArrayList<>();
        int currentBits = -1;
        for (String name : ordered) {
            int bits = 63 - Long.numberOfLeadingZeros(kept.get(name));
            if (bits != currentBits && current.size() >= MIN_TIER) {
                names.tiers.add(current);
                current = new ArrayList<>();
            }
            currentBits = bits;
            current.add(name);
        }
        if (!current.isEmpty()) {
            if (current.size() < MIN_TIER && !names.tiers.isEmpty()) {
                names.tiers.get(names.tiers.size() - 1).addAll(current);
            } else {
                names.tiers.add(current);
            }
        }
        for (int t = 0; t < names.tiers.size(); t++) {
            for (String name : names.tiers.get(t)) {
                names.tierOf.put(name, t);
            }
        }
        return names;
    }

    boolean contains(String name) {
        return tierOf.containsKey(name);
    }

    int size() {
        return tierOf.size();
    }

    /**
     * A name from {@code like}'s tier, drawn in proportion to weight among those not excluded, or null
     * when the tier has none left (or {@code like} is unknown).
     */
    String drawLike(String like, Collection<String> excluded, Random rng) {
        Integer tier = tierOf.get(like);
        if (tier == null) {
            return null;
        }
        List<String> members = tiers.get(tier);
        long total = 0;
        for (String name : members) {
            if (!excluded.contains(name)) {
                total += weights.get(name);
            }
        }
        if (total == 0) {
            return null;
        }
        long pick = (long) (rng.nextDouble() * total);
        for (String name : members) {
            if (!excluded.contains(name)) {
                pick -= weights.get(name);
                if (pick < 0) {
                    return name;
                }
            }
        }
        throw new IllegalStateException("weights changed while drawing");
    }
}
