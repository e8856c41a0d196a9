package dev.uqabench.align;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.uqabench.base.ConfigException;
import dev.uqabench.tensor.Precision;
import dev.uqabench.train.LearningRateSchedule;

/**
 * Alignment settings. The reference default trains the adapter only, with the encoder and the
 * LLM frozen; {@link Mode#ADAPTER_AND_ENCODER} also tunes the encoder at {@code encoderLearningRate}
 * (the reference's {@code other_lr}).
 *
 * @param adapter           how encoder states become soft tokens: `meanpool` (1 token) or `qformer` (query_tokens)
 * @param queryTokens       soft tokens of the Q-Former adapter (and of the learned-prompt control), 1 to 512: each
 *                          takes a place in the LLM's context
 * @param mode              what trains: the adapter only, or the adapter and the encoder
 * @param epochs            passes over the alignment questions (the best one on validation answer loss is kept)
 * @param batchSize         questions per step
 * @param learningRate      AdamW peak learning rate of the adapter
 * @param encoderLearningRate AdamW peak learning rate of the encoder when it trains too
 * @param warmupFraction    share of the steps spent warming up linearly
 * @param clipNorm          global gradient-norm clip (0: none)
 * @param beta1       AdamW's first-moment decay (the reference: 0.9)
 * @param beta2       AdamW's second-moment decay (the reference's align script: 0.98; libtorch's default 0.999)
 * @param weightDecay AdamW's decoupled weight decay (the reference: 0; libtorch's default 0.01)
 * @param schedule    after {@code warmupFraction} of the steps: cosine decay to 0, or constant (the reference)
 * @param checkpointEvery steps between resumable checkpoints of an alignment in progress, besides the one at each epoch
 *                    end (0: only at epoch ends); a rerun of an interrupted alignment goes on from the last one
 * @param precision   the step's arithmetic (adapter, encoder when tuned, and the frozen LLM's forward and backward):
 *                    {@code fp32}, {@code bf16} (autocast, float32 master weights and optimizer state) or {@code auto}
 *                    (bf16 where the CPU has it natively)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record AlignConfig(AdapterKind adapter, int queryTokens, Mode mode, int epochs, int batchSize,
                          double learningRate, double encoderLearningRate, double warmupFraction,
                          double clipNorm, double beta1, double beta2, double weightDecay,
                          LearningRateSchedule schedule, int checkpointEvery, Precision precision) {

    /** {@code adapter_only} (the reference's main setting) or {@code adapter_and_encoder}. */
    public enum Mode {
        @JsonProperty("adapter_only") ADAPTER_ONLY,
        @JsonProperty("adapter_and_encoder") ADAPTER_AND_ENCODER
    }

    /** {@code LEARNED_PROMPT} is the no-user control ({@link LearnedPromptAdapter}), {@code queryTokens} of them. */
    public enum AdapterKind {
        @JsonProperty("meanpool") MEANPOOL,
        @JsonProperty("qformer") QFORMER,
        @JsonProperty("learned_prompt") LEARNED_PROMPT
    }

    private static final String WHERE = "alignment config";

    /**
     * The most soft tokens an adapter may give: each takes a position of the LLM's context before the prompt (BLIP-2's
     * Q-Former uses 32, UQABench's adapters 1 to a few; the built-in LLM trains on 512-token sequences).
     */
    public static final int MAX_QUERY_TOKENS = 512;

    public AlignConfig {
        require(adapter != null, "adapter", "must be one of meanpool, qformer");
        require(mode != null, "mode", "must be one of adapter_only, adapter_and_encoder");
        require(queryTokens > 0 && queryTokens <= MAX_QUERY_TOKENS, "query_tokens", "must be in [1, " + MAX_QUERY_TOKENS
                + "] (each soft token takes a place in the LLM's context), got " + queryTokens);
        require(epochs > 0, "epochs", "must be positive, got " + epochs);
        require(batchSize > 0, "batch_size", "must be positive, got " + batchSize);
        require(learningRate > 0 && Double.isFinite(learningRate), "learning_rate",
                "must be positive and finite, got " + learningRate);
        require(encoderLearningRate >= 0 && Double.isFinite(encoderLearningRate), "encoder_learning_rate",
                "must be >= 0 and finite, got " + encoderLearningRate);
        require(warmupFraction >= 0 && warmupFraction < 1, "warmup_fraction", "must be in [0, 1), got " + warmupFraction);
        require(clipNorm > 0 && Double.isFinite(clipNorm), "clip_norm", "must be positive and finite, got " + clipNorm);
        require(beta1 >= 0 && beta1 < 1, "beta1", "must be in [0, 1), got " + beta1);
        require(beta2 >= 0 && beta2 < 1, "beta2", "must be in [0, 1), got " + beta2);
        require(weightDecay >= 0 && Double.isFinite(weightDecay), "weight_decay",
                "must be >= 0 and finite, got " + weightDecay);
        require(checkpointEvery >= 0, "checkpoint_every", "must be >= 0, got " + checkpointEvery);
        if (schedule == null) {
            schedule = LearningRateSchedule.COSINE;
        }
        if (precision == null) {
            precision = Precision.FP32;
        }
    }

    /** float32 training, as every alignment before the precision key. */
    public AlignConfig(AdapterKind adapter, int queryTokens, Mode mode, int epochs, int batchSize, double learningRate,
                       double encoderLearningRate, double warmupFraction, double clipNorm, double beta1, double beta2,
                       double weightDecay, LearningRateSchedule schedule, int checkpointEvery) {
        this(adapter, queryTokens, mode, epochs, batchSize, learningRate, encoderLearningRate, warmupFraction, clipNorm,
                beta1, beta2, weightDecay, schedule, checkpointEvery, Precision.FP32);
    }

    /**
     * Steps between resumable checkpoints by default. The quickstart's alignment makes about 6 steps a second
     * (753 steps and three validation passes in 128 s, README), so an interrupted one loses at most about 25 s;
     * writing a checkpoint of a small adapter (its weights, AdamW moments and best-epoch copy) takes 20-35 ms.
     */
    public static final int DEFAULT_CHECKPOINT_EVERY = 150;

    /**
     * libtorch's AdamW defaults (betas 0.9/0.999, weight decay 0.01) and cosine decay: what alignment always used;
     * a resumable checkpoint every {@link #DEFAULT_CHECKPOINT_EVERY} steps.
     */
    public AlignConfig(AdapterKind adapter, int queryTokens, Mode mode, int epochs, int batchSize, double learningRate,
                       double encoderLearningRate, double warmupFraction, double clipNorm) {
        this(adapter, queryTokens, mode, epochs, batchSize, learningRate, encoderLearningRate, warmupFraction, clipNorm,
                0.9, 0.999, 0.01, LearningRateSchedule.COSINE, DEFAULT_CHECKPOINT_EVERY);
    }

    /** Soft tokens the adapter puts before the prompt: one for mean-pool, {@code query_tokens} otherwise. */
    public int softTokens() {
        return adapter == AdapterKind.MEANPOOL ? 1 : queryTokens;
    }

    /**
     * The learned-prompt control of this alignment: the same recipe (epochs, batch, learning rate,
     * schedule) training {@code tokens} constant soft tokens, adapter only (there is no encoder to tune).
     */
    public AlignConfig learnedPrompt(int tokens) {
        return new AlignConfig(AdapterKind.LEARNED_PROMPT, tokens, Mode.ADAPTER_ONLY, epochs, batchSize, learningRate,
                encoderLearningRate, warmupFraction, clipNorm, beta1, beta2, weightDecay, schedule, checkpointEvery,
                precision);
    }

    /** This config with a resumable checkpoint every {@code steps} steps (0: only at epoch ends). */
    public AlignConfig withCheckpointEvery(int steps) {
        return new AlignConfig(adapter, queryTokens, mode, epochs, batchSize, learningRate, encoderLearningRate,
                warmupFraction, clipNorm, beta1, beta2, weightDecay, schedule, steps, precision);
    }

    /** This config in another precision. */
    public AlignConfig withPrecision(Precision value) {
        return new AlignConfig(adapter, queryTokens, mode, epochs, batchSize, learningRate, encoderLearningRate,
                warmupFraction, clipNorm, beta1, beta2, weightDecay, schedule, checkpointEvery, value);
    }

    /**
     * The quickstart's alignment: 3 epochs at adapter lr 3e-3. Measured on the quickstart (soft
     * token minus question-only, All tasks): 2 epochs +10.3, 4 epochs +12.2 (align 101 s vs 213 s);
     * lr 1e-2 gave the same as 3e-3. Three epochs keep the whole quickstart near 8 minutes.
     */
    public static AlignConfig quickstart() {
        return new AlignConfig(AdapterKind.MEANPOOL, 16, Mode.ADAPTER_ONLY, 3, 32, 3e-3, 1e-5, 0.05, 1.0);
    }

    private static void require(boolean condition, String key, String problem) {
        ConfigException.require(condition, WHERE, key, problem);
    }
}
