package dev.uqabench.run;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How the LLM gives its answer. {@link #LETTER}: the reference's way, one greedy token that must be
 * the option letter. {@link #OPTION_TEXT}: the LLM is trained to answer with the option's text, and
 * the predicted letter is that of the option whose text is most likely after the prompt (the
 * log-likelihood scoring of lm-evaluation-harness). A tiny LLM trained from random weights in
 * minutes does not learn to bind option letters to their contents (an ability that appears only
 * in large models), so the built-in quickstart uses {@link #OPTION_TEXT}; real checkpoints use {@link #LETTER}.
 */
public enum AnswerMode {
    @JsonProperty("letter") LETTER,
    @JsonProperty("option_text") OPTION_TEXT
}
