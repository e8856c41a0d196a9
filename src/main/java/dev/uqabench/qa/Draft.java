package dev.uqabench.qa;

import java.util.HashSet;
import java.util.List;

/**
 * A question before its options are placed: the stem (question text without options), the
 * correct option, three distractors (all four distinct) and what the question asks.
 */
public record Draft(String stem, String answer, List<String> distractors, QuestionFacts facts) {

    public Draft {
        distractors = List.copyOf(distractors);
        if (distractors.size() != 3) {
            throw new IllegalArgumentException("expected 3 distractors, got " + distractors.size());
        }
        if (new HashSet<>(distractors).size() != 3 || distractors.contains(answer)) {
            throw new IllegalArgumentException("options must be distinct: " + answer + " / " + distractors);
        }
    }
}
