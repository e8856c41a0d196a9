package dev.uqabench.encoder;

import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * A sequential user encoder: event embeddings in, one state per position out.
 *
 * <p>Sequences are right-padded, as in the reference: row {@code b} holds events at positions
 * {@code 0 .. lengths[b]-1}. Every encoder is causal: the state at position {@code t} depends only
 * on events {@code 0..t}, so padding after a row's end never changes its valid states.
 */
public interface UserEncoder {

    /**
     * @param events  event embeddings, float {@code [batch, time, hiddenSize]}
     * @param lengths valid events per row, int64 {@code [batch]}
     * @return states, float {@code [batch, time, hiddenSize]}
     */
    Tensor forward(Tensor events, Tensor lengths);

    int hiddenSize();

    /** The libtorch module holding every parameter (for optimizers, checkpoints, train/eval mode). */
    Module module();
}
