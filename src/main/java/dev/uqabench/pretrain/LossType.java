package dev.uqabench.pretrain;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How next-item prediction is scored during pre-training. */
public enum LossType {
    /** Softmax over the whole item table (the reference). */
    @JsonProperty("full_softmax") FULL_SOFTMAX,
    /** Softmax over the target, shared random negatives (log-Q corrected) and in-batch targets. */
    @JsonProperty("sampled_softmax") SAMPLED_SOFTMAX,
    /**
     * Full softmax when its logits, scored all at once, would fit in {@link PretrainPlan#FULL_SOFTMAX_LOGITS_BUDGET}
     * (a bound on the cost of scoring every item), else sampled softmax;
     * decided by {@link PretrainPlan} from the item table's rows before training.
     */
    @JsonProperty("auto") AUTO
}
