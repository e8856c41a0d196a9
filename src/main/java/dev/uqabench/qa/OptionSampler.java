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
 * Draws the distractors of every question so that its four options are exchangeable, fitted on the
 * alignment users only (test and validation users never shape the options):
 * <ul>
 *   <li>a name about one click (df, ip, ap: slot {@code click:<attribute>}): from the answer's
 *       {@link TieredNames popularity tier} of the training users' clicks;</li>
 *   <li>a name that wins a count (si): from the answer's tier of how often each name is expected to
 *       be the si answer;</li>
 *   <li>three names (li, it): each part from the answer's part's tier of that place's expected answers;</li>
 *   <li>a count (mf): the four {@link CountBins} ranges of its kind.</li>
 * </ul>
 * Questions are thinned (kept with the answer's tier acceptance, or its range's) so that each name
 * of a tier, and each range, is equally often right. A question whose answer lies outside what the
 * alignment set knows (a name never clicked or never an answer there) is dropped: with no such name
 * among the distractors it would be the odd one out.
 */
final class OptionSampler {

    private static final int TRIES = 50;
    /** Strength of the fitted prior, in answers (see {@link #expected}). */
    private static final double PRIOR_SHAPE = 2;

    private final Lang lang;
    private final Map<String, TieredNames> names = new HashMap<>();
    private final Map<String, List<TieredNames>> places = new HashMap<>();
    private final Map<String, CountBins> bins = new HashMap<>();
    /** Clicks per name of every attribute (the {@code click:} slots), and how often to keep a question by its answer's popularity rank. */
    private final Map<String, Map<String, Long>> clicks = new HashMap<>();
    private final Map<String, double[]> rankAcceptance = new HashMap<>();
    /** Added to each rank's tally: a few dozen calibrating questions must not thin a slot to nothing. */
    private static final double RANK_PSEUDO_COUNT = 20;
    /** Answers' popularity ranks per composite slot while calibrating; null otherwise. */
    private Map<String, int[]> rankCounts;

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
        answerNames.forEach((slot, counts) -> sampler.names.put(slot, TieredNames.of(expected(counts, clicksOf(clicks, slot)))));
        answerPlaces.forEach((slot, byPlace) -> sampler.places.put(slot,
                byPlace.stream().map(counts -> TieredNames.of(expected(counts, clicksOf(clicks, slot)))).toList()));
        sampler.clicks.putAll(clicks);
        answerCounts.forEach((slot, counts) -> {
            CountBins fitted = CountBins.fit(counts);
            if (fitted != null) {
                sampler.bins.put(slot, fitted);
            }
        });
        return sampler;
    }

    /**
     * Tiers match popularity only roughly: three names drawn place by place still differ from a real
     * triple as a whole (a user's three favourites are, together, more often the most clicked of the
     * four options: "pick the most popular option" scored 33 % on it before this), and on a skewed
     * log the next film is less popular than its tier-mates ("least popular" 35 % on ip). While calibrating, composite drafts are kept
     * as drawn and the answer's popularity rank among its options is tallied; afterwards a question
     * is kept with probability {@code least frequent rank / its rank}, so every rank is the answer's
     * equally often. The tally must come from the whole building process (retries and thinning
     * included): a simulation over the fitting asks alone looked balanced while the built questions
     * were not.
     */
    void startCalibration() {
        rankCounts = new HashMap<>();
        rankAcceptance.clear();
    }

    void finishCalibration() {
        rankCounts.forEach((slot, counts) -> {
            int min = Integer.MAX_VALUE;
            for (int c : counts) {
                min = Math.min(min, c);
            }
            double[] acceptance = new double[4];
            for (int r = 0; r < 4; r++) {
                acceptance[r] = (min + RANK_PSEUDO_COUNT) / (counts[r] + RANK_PSEUDO_COUNT);
            }
            rankAcceptance.put(slot, acceptance);
        });
        rankCounts = null;
    }

    /** How many of the draft's distractors are more popular (mean log clicks of their names) than its answer; ties at random. */
    private int popularityRank(String slot, Draft draft, Random rng) {
        double answer = meanLogClicks(slot, draft.answer());
        int rank = 0;
        for (String distractor : draft.distractors()) {
            double other = meanLogClicks(slot, distractor);
            rank += other > answer || (other == answer && rng.nextBoolean()) ? 1 : 0;
        }
        return rank;
    }

    private double meanLogClicks(String slot, String option) {
        Map<String, Long> clicks = clicksOf(this.clicks, slot);
        String[] names = option.split(" -> |、|, ");
        double sum = 0;
        for (String name : names) {
            sum += Math.log1p(clicks.getOrDefault(name, 0L));
        }
        return sum / names.length;
    }

    /** Clicks per name of the attribute an answer slot ({@code si:category}) is about. */
    private static Map<String, Long> clicksOf(Map<String, Map<String, Long>> clicks, String slot) {
        return clicks.getOrDefault("click:" + slot.substring(slot.indexOf(':') + 1), Map.of());
    }

    /**
     * How often each name is expected to be the answer: {@code e^b * clicks^a}, fitted by least squares
     * of log answers on log clicks (weighted by answers) over the names that were answers. Raw answer
     * counts are too sparse for names answered once or twice (a name that turns up as a test answer is
     * likely more popular than its count says, and would stand out among its tier); "most clicked"
     * answers grow faster than clicks (a &gt; 1), so clicks alone are not enough either. The fit is a
     * prior, not the answer: each name's expectation is the Gamma-Poisson posterior mean
     * {@code (answers + PRIOR_SHAPE) / (1 + PRIOR_SHAPE / fit)}, close to its count where that is large
     * and to the fit where it is small. Names never clicked keep their answer counts.
     */
    static Map<String, Double> expected(Map<String, Long> answers, Map<String, Long> clicks) {
        double sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
        for (Map.Entry<String, Long> e : answers.entrySet()) {
            Long k = clicks.get(e.getKey());
            if (k != null && k > 0) {
                double w = e.getValue();
                double x = Math.log(k);
                double y = Math.log(e.getValue());
                sw += w;
                sx += w * x;
                sy += w * y;
                sxx += w * x * x;
                sxy += w * x * y;
            }
        }
        double variance = sxx / Math.max(sw, 1e-12) - Math.pow(sx / Math.max(sw, 1e-12), 2);
        Map<String, Double> out = new HashMap<>();
        if (sw == 0 || variance < 1e-9) {
            answers.forEach((name, count) -> out.put(name, count.doubleValue()));
            return out;
        }
        double a = (sxy / sw - (sx / sw) * (sy / sw)) / variance;
        double b = sy / sw - a * sx / sw;
        clicks.forEach((name, k) -> {
            double fit = Math.exp(b + a * Math.log(k));
            out.put(name, (answers.getOrDefault(name, 0L) + PRIOR_SHAPE) / (1 + PRIOR_SHAPE / fit));
        });
        answers.forEach((name, count) -> out.putIfAbsent(name, count.doubleValue()));
        return out;
    }

    /** The ask with three distractors, or empty where its answer is unknown here or the draw is thinned out. */
    Optional<Draft> draft(Ask ask, Random rng) {
        return switch (ask.shape()) {
            case NAME, NAMES, PATH -> (ask.shape() == Ask.Shape.NAME ? single(ask, rng) : composite(ask, rng)).filter(d -> {
                int rank = popularityRank(ask.slot(), d, rng);
                if (rankCounts != null) {
                    rankCounts.computeIfAbsent(ask.slot(), slot -> new int[4])[rank]++;
                    return true;
                }
                double[] acceptance = rankAcceptance.get(ask.slot());
                return acceptance == null || rng.nextDouble() < acceptance[rank];
            });
            case COUNT -> ranged(ask, rng);
        };
    }

    private Optional<Draft> single(Ask ask, Random rng) {
        TieredNames pool = names.get(ask.slot());
        String answer = ask.parts().get(0);
        if (pool == null || !pool.contains(answer) || rng.nextDouble() >= pool.acceptance(answer)) {
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
        double keep = 1;
        for (int p = 0; p < 3; p++) {
            keep *= byPlace.get(p).acceptance(ask.parts().get(p));
        }
        if (rng.nextDouble() >= keep) {
            return Optional.empty();
        }
        String answer = render(ask.shape(), ask.parts());
        Set<String> options = new HashSet<>(List.of(answer));
        Set<Set<String>> nameSets = new HashSet<>();
        nameSets.add(Set.copyOf(ask.parts()));
        // "A -> B -> A" is common among real paths and rare among drawn ones: distractors take the answer's form
        boolean returns = ask.shape() == Ask.Shape.PATH && ask.parts().get(0).equals(ask.parts().get(2));
        List<String> distractors = new ArrayList<>(3);
        for (int t = 0; t < TRIES && distractors.size() < 3; t++) {
            List<String> parts = new ArrayList<>(3);
            for (int p = 0; p < 3; p++) {
                if (p == 2 && returns) {
                    parts.add(parts.get(0));
                    break;
                }
                // li names are distinct; it paths forbid the same name twice in a row, and a path that
                // does not return to its first name must not return in its distractors either
                Set<String> excluded = ask.shape() == Ask.Shape.NAMES ? new HashSet<>(parts)
                        : p == 0 ? Set.of() : p == 1 ? Set.of(parts.get(0)) : Set.of(parts.get(0), parts.get(1));
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
