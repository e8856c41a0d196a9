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

    /**
     * Whether the soft tokens depend on the states. An adapter that reads only their batch size (a learned
     * prompt) spares the caller the encoder's forward pass: it is given {@link StateEncoder.Encoded#placeholder}.
     */
    default boolean readsStates() {
        return true;
    }

    /** Number of soft tokens per user. */
    int tokens();

    Module module();
}
