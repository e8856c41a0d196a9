package dev.uqabench.eval;

import dev.uqabench.qa.Question;
import dev.uqabench.qa.Subtask;

import java.util.Objects;

/**
 * One answered question (DESIGN.md, "Predictions"). {@code question}, {@code prediction} and
 * {@code answer} are what the UQABench scorer reads; the rest may be null in files made elsewhere.
 *
 * @param subtask      null when unknown: the scorer then files the question by the reference's rules
 * @param variant      which model answered, e.g. "sasrec+qformer" or "text20"
 * @param prediction   the generated text; correct when it starts with the gold letter
 * @param answer       the gold letter
 * @param promptTokens tokens in the prompt (soft tokens included), or null
 * @param seconds      time to answer, or null
 */
public record Prediction(String id, String user, Subtask subtask, String variant, String question, String prediction,
                         String answer, Integer promptTokens, Double seconds) {

    public Prediction {
        Objects.requireNonNull(question, "question");
        Objects.requireNonNull(prediction, "prediction");
        Objects.requireNonNull(answer, "answer");
    }

    /** A prediction for one of our questions. */
    public static Prediction of(Question question, String variant, String prediction, Integer promptTokens,
                                Double seconds) {
        return new Prediction(question.id(), question.user(), question.subtask(), variant, question.question(),
                prediction, question.answer(), promptTokens, seconds);
    }

    /** Python's {@code prediction.startswith(answer)}, the reference's test of a right answer. */
    public boolean correct() {
        return prediction.startsWith(answer);
    }
}
