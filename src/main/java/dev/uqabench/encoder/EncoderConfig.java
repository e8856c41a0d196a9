package dev.uqabench.encoder;

/**
 * Shape of one encoder: an immutable record per encoder kind, validated when built. Every kind
 * reads event embeddings of width {@link #hiddenSize()} and returns states of that width.
 */
public interface EncoderConfig {

    int hiddenSize();

    /** Dropout probability used in training (0 disables it). */
    double dropout();
}
