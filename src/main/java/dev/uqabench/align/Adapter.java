package dev.uqabench.align;

import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/** Turns a user encoder's states into {@code k} soft tokens in the LLM's embedding space. */
public interface Adapter {

    /**
     * @param states  encoder states, float {@code [batch, time, encoderHidden]}, right-padded
     * @param lengths valid positions per row, int64 {@code [batch]}
     * @return soft tokens, float {@code [batch, tokens(), llmHidden]}
     */
    Tensor softTokens(Tensor states, Tensor lengths);

    /** Number of soft tokens per user. */
    int tokens();

    Module module();
}
