package dev.uqabench.audit;

import dev.uqabench.qa.Subtask;

import java.util.List;
import java.util.Objects;

/**
 * A question as the audit sees it: its options, the gold option's index, and the facts the
 * builder recorded about how the answer follows from the history (null in older files).
 *
 * @param row  the question's line index in its file, which is also its align row
 * @param gold index of the correct option, 0..3
 */
public record AuditQuestion(int row, String id, String user, Subtask subtask, List<String> options, int gold,
                            Facts facts) {

    public AuditQuestion {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(subtask, "subtask");
        options = List.copyOf(options);
        if (options.size() != 4) {
            throw new IllegalArgumentException("question " + id + ": expected 4 options, got " + options.size());
        }
        if (gold < 0 || gold > 3) {
            throw new IllegalArgumentException("question " + id + ": gold index must be 0..3, got " + gold);
        }
    }

    public String goldOption() {
        return options.get(gold);
    }

    /**
     * What the question generator recorded about a question (the {@code facts} object of a JSONL line).
     * Fields a sub-task does not use are null.
     *
     * @param attribute "category", "brand", "shop" or "title"
     * @param position  df: k-th most recent click of the context (1 = the last click)
     * @param measure   mf: "length" or "count"
     * @param name      mf count: the counted name
     * @param window    si: the last {@code window} clicks; it: clicks per window
     */
    public record Facts(String attribute, Integer position, String measure, String name, Integer window) {
    }
}
