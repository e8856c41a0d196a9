package dev.uqabench.qa;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/**
 * Draws the distractors of every question from the distribution its answer comes from, fitted on
 * the alignment users only (test and validation users never shape the options):
 * <ul>
 *   <li>a name about one click (df, ip, ap: slot {@code click:<attribute>}): from the answer's
 *       popularity tier of the training users' clicks, in proportion to clicks;</li>
 *   <li>a name that wins a count (si): from the answer's tier of how often each name was the si answer;</li>
 *   <li>three names (li, it): each part from the answer's part's tier of that place's answers;</li>
 *   <li>a count (mf): the four {@link CountBins} ranges of its kind.</li>
 * </ul>
 * A question whose answer lies outside what the alignment set knows (a name never clicked or never
 * an answer there) is dropped: with no such name among the distractors it would be the odd one out.
 */
final class OptionSampler {

    private static final int TRIES = 50;

    private final Lang lang;
    private final Map<String, TieredNames> names = new HashMap<>();
    private final Map<String, List<TieredNames>> places = new HashMap<>();
    private final Map<String, CountBins> bins = new HashMap<>();

    private OptionSampler(Lang lang) {
        this.lang = lang;
    }

    /**
     * @param clicks per slot {@code click:<attribute>} and {@code click:title}, clicks per name over the training users
     * @param asks   the alignment users' asks
     */
    static OptionSampler fit(Lang lang, Map<String, Map<String, Long>> clicks, List<Ask> asks) {
        OptionSampler sampler = new OptionSampler(lang);
        clicks.forEach((slot, counts) -> sampler.names.put(slot, TieredNames.of(counts)));
        Map<String, Map<String, Long>> answerNames = new HashMap<>();
        Map<String, List<Map<String, Long>>> answerPlaces = new HashMap<>();
        Map<String, List<Integer>> answerCounts = new HashMap<>();
        for (Ask ask : asks) {
            switch (ask.shape()) {
                case NAME -> {
                    if (!clicks.containsKey(ask.slot())) {
                        answerNames.computeIfAbsent(ask.slot(), s -> new HashMap<>()).merge(ask.parts().get(0), 1L, Long::sum);
                    }
                }
                case NAMES, PATH -> {
                    List<Map<String, Long>> byPlace = answerPlaces.computeIfAbsent(ask.slot(),
                            s -> List.of(new HashMap<>(), new HashMap<>(), new HashMap<>()));
                    for (int p = 0; p < 3; p++) {
                        byPlace.get(p).merge(ask.parts().get(p), 1L, Long::sum);
                    }
                }
                case COUNT -> answerCounts.computeIfAbsent(ask.slot(), s -> new ArrayList<>()).add(ask.count());
            }
        }
        answerNames.forEach((slot, counts) -> sampler.names.put(slot, TieredNames.of(counts)));
        answerPlaces.forEach((slot, byPlace) -> sampler.places.put(slot, byPlace.stream().map(TieredNames::of).toList()));
        answerCounts.forEach((slot, counts) -> {
            CountBins fitted = CountBins.fit(counts);
            if (fitted != null) {
                sampler.bins.put(slot, fitted);
            }
        });
        return sampler;
    }

    /** The ask with three distractors, or empty where its answer is unknown here or the draw is thinned out. */
    Optional<Draft> draft(Ask ask, Random rng) {
        return switch (ask.shape()) {
            case NAME -> single(ask, rng);
            case NAMES, PATH -> composite(ask, rng);
            case COUNT -> ranged(ask, rng);
        };
    }

    private Optional<Draft> single(Ask ask, Random rng) {
        TieredNames pool = names.get(ask.slot());
        String answer = ask.parts().get(0);
        if (pool == null || !pool.contains(answer)) {
            return Optional.empty();
        }
        Set<String> used = new HashSet<>(List.of(answer));
        List<String> distractors = new ArrayList<>(3);
        for (int i = 0; i < 3; i++) {
            String name = pool.drawLike(answer, used, rng);
            if (name == null) {
                return Optional.empty();
            }
            used.add(name);
            distractors.add(name);
        }
        return Optional.of(new Draft(ask.stem(), answer, distractors, ask.facts()));
    }

    private Optional<Draft> composite(Ask ask, Random rng) {
        List<TieredNames> byPlace = places.get(ask.slot());
        if (byPlace == null) {
            return Optional.empty();
        }
        for (int p = 0; p < 3; p++) {
            if (!byPlace.get(p).contains(ask.parts().get(p))) {
                return Optional.empty();
            }
        }
        String answer = render(ask.shape(), ask.parts());
        Set<String> options = new HashSet<>(List.of(answer));
        Set<Set<String>> nameSets = new HashSet<>();
        nameSets.add(Set.copyOf(ask.parts()));
        List<String> distractors = new ArrayList<>(3);
        for (int t = 0; t < TRIES && distractors.size() < 3; t++) {
            List<String> parts = new ArrayList<>(3);
            for (int p = 0; p < 3; p++) {
                // li names are distinct; it paths only forbid the same name twice in a row
                Set<String> excluded = ask.shape() == Ask.Shape.NAMES ? new HashSet<>(parts)
                        : p == 0 ? Set.of() : Set.of(parts.get(p - 1));
                String name = byPlace.get(p).drawLike(ask.parts().get(p), excluded, rng);
                if (name == null) {
                    break;
                }
                parts.add(name);
            }
            if (parts.size() < 3) {
                continue;
            }
            // an li option with the answer's names in another order would be a second right answer as a set
            if (ask.shape() == Ask.Shape.NAMES && !nameSets.add(Set.copyOf(parts))) {
                continue;
            }
            String option = render(ask.shape(), parts);
            if (options.add(option)) {
                distractors.add(option);
            }
        }
        return distractors.size() < 3 ? Optional.empty() : Optional.of(new Draft(ask.stem(), answer, distractors, ask.facts()));
    }

    private Optional<Draft> ranged(Ask ask, Random rng) {
        CountBins ranges = bins.get(ask.slot());
        if (ranges == null) {
            return Optional.empty();
        }
        int bin = ranges.binOf(ask.count());
        if (!ranges.keep(bin, rng)) {
            return Optional.empty();
        }
        List<String> labels = ranges.labels();
        List<String> distractors = new ArrayList<>(labels);
        distractors.remove(bin);
        return Optional.of(new Draft(ask.stem(), labels.get(bin), distractors, ask.facts()));
    }

    private String render(Ask.Shape shape, List<String> parts) {
        return shape == Ask.Shape.NAMES ? Templates.joinNames(lang, parts) : Templates.joinPath(parts);
    }
}
