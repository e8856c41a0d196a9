package dev.uqabench.encoder;

/**
 * Shape of one encoder: an immutable record per encoder kind, validated when built. Every kind
 * reads event embeddings of width {@link #hiddenSize()} and returns states of that width.
 */
public interface EncoderConfig {

    int hiddenSize();

    /** Dropout probability used in training (0 disables it). */
    double dropout();

    /**
     * Parameters of an encoder of this shape reading at most {@code maxLength} events, without
     * building it (the embedding tables and heads are not included).
     */
    long parameterCount(int maxLength);
}
