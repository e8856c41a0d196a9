package dev.uqabench.audit;

import dev.uqabench.qa.Subtask;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a solver can learn from the alignment questions without ever seeing a user: how often each
 * option string (and each name inside an option) was the answer when offered, how often it was
 * offered as a distractor, and which letter the answer tends to be, per sub-task.
 *
 * <p>Statistics of a question the stats were fitted on can be read "leave one out" (its own
 * contribution removed), so a classifier trained on alignment rows sees the same kind of figures it
 * will see on unseen test questions instead of ones that contain the row's own label.
 */
public final class OptionStats {

    /** Smoothing weight towards the global prior: a string seen n times counts as n + 2 draws. */
    private static final double SMOOTHING = 2.0;
    /** One option in four is gold. */
    public static final double GLOBAL_PRIOR = 0.25;

    private final Map<Subtask, Map<String, int[]>> options = new EnumMap<>(Subtask.class);
    private final Map<Subtask, Map<String, int[]>> names = new EnumMap<>(Subtask.class);
    private final Map<Subtask, int[]> letters = new EnumMap<>(Subtask.class);

    public static OptionStats fit(List<AuditQuestion> alignment) {
        OptionStats stats = new OptionStats();
        for (AuditQuestion q : alignment) {
            stats.add(q, +1);
        }
        return stats;
    }

    private void add(AuditQuestion q, int sign) {
        Map<String, int[]> byOption = options.computeIfAbsent(q.subtask(), s -> new HashMap<>());
        Map<String, int[]> byName = names.computeIfAbsent(q.subtask(), s -> new HashMap<>());
        for (int i = 0; i < 4; i++) {
            int isGold = i == q.gold() ? 1 : 0;
            int[] o = byOption.computeIfAbsent(q.options().get(i), k -> new int[2]);
            o[0] += sign;
            o[1] += sign * isGold;
            for (String name : OptionText.names(q.subtask(), q.options().get(i))) {
                int[] n = byName.computeIfAbsent(name, k -> new int[2]);
                n[0] += sign;
                n[1] += sign * isGold;
            }
        }
        letters.computeIfAbsent(q.subtask(), s -> new int[4])[q.gold()] += sign;
    }

    /** Runs {@code body} with {@code q}'s own counts removed (q must be one of the fitted questions). */
    public synchronized <T> T without(AuditQuestion q, java.util.function.Supplier<T> body) {
        add(q, -1);
        try {
            return body.get();
        } finally {
            add(q, +1);
        }
    }

    /** Smoothed rate at which the option string was the answer when offered. */
    public double optionRate(Subtask subtask, String option) {
        return rate(options, subtask, option);
    }

    public double nameRate(Subtask subtask, String name) {
        return rate(names, subtask, name);
    }

    /** Times the option string was offered and was not the answer. */
    public int distractorCount(Subtask subtask, String option) {
        int[] c = counts(options, subtask, option);
        return c[0] - c[1];
    }

    /** Times the option string was offered at all. */
    public int offeredCount(Subtask subtask, String option) {
        return counts(options, subtask, option)[0];
    }

    /** Share of alignment questions of the sub-task whose answer is at this letter index (0.25 with none). */
    public double letterShare(Subtask subtask, int index) {
        int[] c = letters.get(subtask);
        if (c == null) {
            return GLOBAL_PRIOR;
        }
        int total = c[0] + c[1] + c[2] + c[3];
        return total == 0 ? GLOBAL_PRIOR : (double) c[index] / total;
    }

    private static double rate(Map<Subtask, Map<String, int[]>> table, Subtask subtask, String key) {
        int[] c = counts(table, subtask, key);
        return (c[1] + SMOOTHING * GLOBAL_PRIOR) / (c[0] + SMOOTHING);
    }

    private static int[] counts(Map<Subtask, Map<String, int[]>> table, Subtask subtask, String key) {
        Map<String, int[]> byKey = table.get(subtask);
        int[] c = byKey == null ? null : byKey.get(key);
        return c == null ? new int[2] : c;
    }
}
