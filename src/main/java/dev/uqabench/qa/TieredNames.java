package dev.uqabench.qa;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Names with weights (click counts, or how often each was an answer) in narrow popularity tiers:
 * half powers of two of the weight, a tier with fewer than {@link #MIN_TIER} names merged into the
 * next less popular one. A question keeps its answer with probability {@link #acceptance} (the
 * tier's smallest weight over the answer's), which makes every name of a tier equally often the
 * answer, and draws its distractors uniformly from the answer's tier. The four options are then
 * exchangeable: no name, popularity or distractor frequency tells which one is right. (Drawing
 * distractors in proportion to weight is not enough: a name that is the answer more often than one
 * time in four cannot be a distractor often enough to hide it.)
 */
final class TieredNames {

    static final int MIN_TIER = 4;

    private final Map<String, Integer> tierOf = new HashMap<>();
    private final List<List<String>> tiers = new ArrayList<>();
    private final List<Double> tierMinimum = new ArrayList<>();
    private final Map<String, Double> weights;

    private TieredNames(Map<String, Double> weights) {
        this.weights = weights;
    }

    /** Names with a positive weight; blank names are ignored. */
    static TieredNames of(Map<String, ? extends Number> weights) {
        Map<String, Double> kept = new HashMap<>();
        weights.forEach((name, weight) -> {
            if (name != null && !name.isBlank() && weight != null && weight.doubleValue() > 0) {
                kept.put(name, weight.doubleValue());
            }
        });
        TieredNames names = new TieredNames(kept);
        List<String> ordered = new ArrayList<>(kept.keySet());
        ordered.sort(Comparator.<String>comparingDouble(kept::get).reversed().thenComparing(Comparator.naturalOrder()));
        List<String> current = new ArrayList<>();
        int currentClass = Integer.MIN_VALUE;
        for (String name : ordered) {
            int weightClass = (int) Math.floor(2 * Math.log(kept.get(name)) / Math.log(2));
            if (weightClass != currentClass && current.size() >= MIN_TIER) {
                names.add(current);
                current = new ArrayList<>();
            }
            currentClass = weightClass;
            current.add(name);
        }
        if (!current.isEmpty()) {
            if (current.size() < MIN_TIER && !names.tiers.isEmpty()) {
                List<String> last = names.tiers.remove(names.tiers.size() - 1);
                names.tierMinimum.remove(names.tierMinimum.size() - 1);
                last.addAll(current);
                current = last;
            }
            names.add(current);
        }
        for (int t = 0; t < names.tiers.size(); t++) {
            for (String name : names.tiers.get(t)) {
                names.tierOf.put(name, t);
            }
        }
        return names;
    }

    private void add(List<String> tier) {
        tiers.add(tier);
        tierMinimum.add(weights.get(tier.get(tier.size() - 1)));
    }

    boolean contains(String name) {
        return tierOf.containsKey(name);
    }

    /** The probability of keeping a question with this answer: the tier's smallest weight over the name's (0 if unknown). */
    double acceptance(String name) {
        Integer tier = tierOf.get(name);
        return tier == null ? 0 : tierMinimum.get(tier) / weights.get(name);
    }

    /** A name from {@code like}'s tier, uniformly among those not excluded, or null when none is left (or {@code like} is unknown). */
    String drawLike(String like, Collection<String> excluded, Random rng) {
        Integer tier = tierOf.get(like);
        if (tier == null) {
            return null;
        }
        List<String> open = new ArrayList<>();
        for (String name : tiers.get(tier)) {
            if (!excluded.contains(name)) {
                open.add(name);
            }
        }
        return open.isEmpty() ? null : open.get(rng.nextInt(open.size()));
    }
}
