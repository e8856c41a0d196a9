package dev.uqabench.audit;

import dev.uqabench.qa.Subtask;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Rule-based solvers that read the user's own history (the question's align row, oldest click
 * first) and pick the option the history determines. For df, mf, li, si and it the answer follows
 * from the history and the question's {@code facts}, so these oracles should score near 100 %;
 * anything less means the question, its facts or its align row disagree. ip and ap are predictions:
 * a simple recency-weighted recommender gives the bar a user model should clear.
 *
 * <p>Each oracle returns option scores, or null ("n/a") when the question carries no facts it needs.
 */
public final class HistoryOracle {

    /** Recency weight of the k-th most recent click: 0.9^k (a half-life of about 7 clicks) plus a floor. */
    private static final double DECAY = 0.9;

    private HistoryOracle() {
    }

    public static double[] scores(AuditQuestion q, List<Click> history, Catalogue catalogue) {
        AuditQuestion.Facts facts = q.facts();
        return switch (q.subtask()) {
            case IP -> itemPrediction(q, history, catalogue);
            case AP -> attributePrediction(q, history, attributeOf(q, catalogue));
            default -> facts == null ? null : fromFacts(q, facts, history);
        };
    }

    private static double[] fromFacts(AuditQuestion q, AuditQuestion.Facts facts, List<Click> history) {
        String attribute = facts.attribute();
        int n = history.size();
        switch (q.subtask()) {
            case DF -> {
                if (facts.position() == null || facts.position() > n) {
                    return null;
                }
                return matching(q, history.get(n - facts.position()).get(attribute));
            }
            case MF -> {
                long count;
                if ("length".equals(facts.measure())) {
                    count = n;
                } else if ("count".equals(facts.measure()) && facts.name() != null) {
                    count = history.stream().filter(c -> facts.name().equals(c.get(attribute))).count();
                } else {
                    return null;
                }
                double[] s = new double[4];
                for (int i = 0; i < 4; i++) {
                    s[i] = OptionText.contains(q.options().get(i), count) ? 1 : 0;
                }
                return s;
            }
            case LI -> {
                return byNames(q, topNames(history, attribute, 3));
            }
            case SI -> {
                if (facts.window() == null) {
                    return null;
                }
                List<String> top = topNames(history.subList(Math.max(0, n - facts.window()), n), attribute, 1);
                return top.isEmpty() ? null : matching(q, top.get(0));
            }
            case IT -> {
                Integer w = facts.window();
                if (w == null || 3 * w > n) {
                    return null;
                }
                List<String> path = new ArrayList<>();
                for (int k = 3; k >= 1; k--) {
                    List<String> top = topNames(history.subList(n - k * w, n - (k - 1) * w), attribute, 1);
                    path.add(top.isEmpty() ? "" : top.get(0));
                }
                return byNames(q, path);
            }
            default -> {
                return null;
            }
        }
    }

    /** 1 for options equal to the name, else 0. */
    private static double[] matching(AuditQuestion q, String name) {
        double[] s = new double[4];
        for (int i = 0; i < 4; i++) {
            s[i] = q.options().get(i).strip().equals(name) ? 1 : 0;
        }
        return s;
    }

    /** Scores options by how many names match the expected list position by position (all equal: 100). */
    private static double[] byNames(AuditQuestion q, List<String> expected) {
        double[] s = new double[4];
        for (int i = 0; i < 4; i++) {
            List<String> names = OptionText.names(q.subtask(), q.options().get(i));
            if (names.equals(expected)) {
                s[i] = 100;
                continue;
            }
            for (int k = 0; k < Math.min(names.size(), expected.size()); k++) {
                s[i] += names.get(k).equals(expected.get(k)) ? 1 : expected.contains(names.get(k)) ? 0.5 : 0;
            }
        }
        return s;
    }

    /**
     * The {@code k} most clicked names, most clicked first; ties go to the name clicked most recently
     * (the builders' rule is not recorded, so a tie can cost the oracle a point).
     */
    static List<String> topNames(List<Click> clicks, String attribute, int k) {
        Map<String, Integer> counts = new HashMap<>();
        Map<String, Integer> last = new HashMap<>();
        for (int t = 0; t < clicks.size(); t++) {
            String name = clicks.get(t).get(attribute);
            if (name == null || name.isEmpty()) {
                continue;
            }
            counts.merge(name, 1, Integer::sum);
            last.put(name, t);
        }
        List<String> names = new ArrayList<>(counts.keySet());
        names.sort((a, b) -> counts.get(a).equals(counts.get(b)) ? Integer.compare(last.get(b), last.get(a))
                : Integer.compare(counts.get(b), counts.get(a)));
        return names.subList(0, Math.min(k, names.size()));
    }

    private static String attributeOf(AuditQuestion q, Catalogue catalogue) {
        if (q.facts() != null && q.facts().attribute() != null) {
            return q.facts().attribute();
        }
        return catalogue == null ? null : catalogue.attributeOfAll(q.options());
    }

    /** ap: the option whose name the user clicked most, recency-weighted. */
    private static double[] attributePrediction(AuditQuestion q, List<Click> history, String attribute) {
        if (attribute == null) {
            return null;
        }
        Map<String, Double> weight = recencyWeights(history, attribute);
        double[] s = new double[4];
        for (int i = 0; i < 4; i++) {
            s[i] = weight.getOrDefault(q.options().get(i).strip(), 0.0);
        }
        return s;
    }

    /** ip: the option title whose category and brand the user clicked most, recency-weighted. */
    private static double[] itemPrediction(AuditQuestion q, List<Click> history, Catalogue catalogue) {
        if (catalogue == null) {
            return null;
        }
        Map<String, Double> categories = recencyWeights(history, "category");
        Map<String, Double> brands = recencyWeights(history, "brand");
        Map<String, Double> titles = recencyWeights(history, "title");
        double[] s = new double[4];
        for (int i = 0; i < 4; i++) {
            String title = q.options().get(i).strip();
            Click item = catalogue.item(title);
            s[i] = titles.getOrDefault(title, 0.0);
            if (item != null) {
                s[i] += categories.getOrDefault(item.category(), 0.0) + brands.getOrDefault(item.brand(), 0.0);
            }
        }
        return s;
    }

    private static Map<String, Double> recencyWeights(List<Click> history, String attribute) {
        Map<String, Double> weight = new HashMap<>();
        double w = 1;
        for (int t = history.size() - 1; t >= 0; t--) {
            String name = history.get(t).get(attribute);
            if (name != null && !name.isEmpty()) {
                weight.merge(name, 0.05 + w, Double::sum);
            }
            w *= DECAY;
        }
        return weight;
    }

    /** The oracle's sub-tasks that need facts. */
    public static boolean needsFacts(Subtask subtask) {
        return subtask != Subtask.IP && subtask != Subtask.AP;
    }
}
