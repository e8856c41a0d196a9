package dev.uqabench.qa;

import java.util.List;
import java.util.Objects;

/**
 * A 4-option personalised question (DESIGN.md, "Questions").
 *
 * @param question the full question text, options included
 * @param options  the four option strings, in order A-D
 * @param answer   the gold letter
 * @param lang     "zh" or "en"
 */
public record Question(String id, String user, Subtask subtask, String question, List<String> options,
                       String answer, String lang) {

    public static final List<String> LETTERS = List.of("A", "B", "C", "D");

    public Question {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(subtask, "subtask");
        Objects.requireNonNull(question, "question");
        options = List.copyOf(options);
        if (options.size() != 4) {
            throw new IllegalArgumentException("question " + id + ": expected 4 options, got " + options.size());
        }
        if (!LETTERS.contains(answer)) {
            throw new IllegalArgumentException("question " + id + ": answer must be one of A-D, got '" + answer + "'");
        }
    }

    public TaskGroup task() {
        return subtask.group();
    }

    /** Index 0-3 of the gold option. */
    public int answerIndex() {
        return LETTERS.indexOf(answer);
    }
}
