package dev.uqabench.train;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How a trainer's learning rate moves over the steps (after any linear warm-up). */
public enum LearningRateSchedule {
    /** Cosine decay from the peak (to the trainer's floor: 10 % for pretraining, 0 for alignment). */
    @JsonProperty("cosine") COSINE,
    /** The peak throughout: the reference's trainers use no scheduler (run_pretrain_ddp.py, run_align_fsdp.py). */
    @JsonProperty("constant") CONSTANT
}
