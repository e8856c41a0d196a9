package dev.uqabench.llm;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.uqabench.qa.OptionParser;

/**
 * How the LLM gives its answer. {@link #LETTER}: the reference's way, one greedy token that must be
 * the option letter. {@link #OPTION_TEXT}: the LLM is trained to answer with the option's text, and
 * the predicted letter is that of the option whose text is most likely after the prompt (the
 * log-likelihood scoring of lm-evaluation-harness). A tiny LLM trained from random weights in
 * minutes does not learn to bind option letters to their contents (an ability that appears only
 * in large models), so the built-in quickstart uses {@link #OPTION_TEXT}; real checkpoints use {@link #LETTER}.
 * {@link #AUTO} (the default) picks between the two by where the LLM comes from.
 */
public enum AnswerMode {
    @JsonProperty("letter") LETTER,
    @JsonProperty("option_text") OPTION_TEXT,
    @JsonProperty("auto") AUTO;

    /** {@link #AUTO} becomes {@link #LETTER} for an LLM folder given by the user, {@link #OPTION_TEXT} for the built-in one. */
    public AnswerMode resolve(boolean externalLlm) {
        if (this != AUTO) {
            return this;
        }
        return externalLlm ? LETTER : OPTION_TEXT;
    }

    /**
     * What the LLM is trained to answer to {@code question}: the gold letter, or the gold option's text.
     *
     * @param where the question's file and row, for the error when its options cannot be read
     */
    public String trainingAnswer(String question, String goldLetter, String where) {
        return this == LETTER ? goldLetter : OptionParser.goldText(question, goldLetter, where);
    }
}
