package dev.uqabench.data.arrow;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Tally of rows skipped with {@code --skip-bad-rows}: how many, and why (first example per reason). */
public final class BadRows {

    private final Map<String, Long> counts = new LinkedHashMap<>();
    private final Map<String, String> examples = new LinkedHashMap<>();
    private long total;

    /** Counts a skipped row under {@code reason}; {@code message} is the full error (file, row, column). */
    public synchronized void record(String reason, String message) {
        counts.merge(reason, 1L, Long::sum);
        examples.putIfAbsent(reason, message);
        total++;
    }

    public synchronized long total() {
        return total;
    }

    /** Skipped rows per reason, in order of first occurrence. */
    public synchronized Map<String, Long> counts() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(counts));
    }

    public synchronized void addAll(BadRows other) {
        other.counts().forEach((reason, n) -> counts.merge(reason, n, Long::sum));
        other.examples.forEach(examples::putIfAbsent);
        total += other.total();
    }

    /** One line per reason: count, reason, first example. */
    public synchronized String summary() {
        if (total == 0) {
            return "no rows skipped";
        }
        StringBuilder out = new StringBuilder("skipped ").append(total).append(" bad row(s):");
        counts.forEach((reason, n) -> out.append("\n  ").append(n).append(" x ").append(reason)
                .append(" (first: ").append(examples.get(reason)).append(')'));
        return out.toString();
    }
}
