package dev.uqabench.pretrain;

/** How next-item prediction is scored during pre-training. */
public enum LossType {
    /** Softmax over the whole item table (the reference). */
    FULL_SOFTMAX,
    /** Softmax over the target, shared random negatives (log-Q corrected) and in-batch targets. */
    SAMPLED_SOFTMAX
}
