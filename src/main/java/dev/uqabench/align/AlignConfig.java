package dev.uqabench.align;

import dev.uqabench.train.LearningRateSchedule;

/**
 * Alignment settings. The reference default trains the adapter only, with the encoder and the
 * LLM frozen; {@link Mode#ADAPTER_AND_ENCODER} also tunes the encoder at {@code encoderLearningRate}
 * (the reference's {@code other_lr}).
 *
 * @param beta1       AdamW's first-moment decay (the reference: 0.9)
 * @param beta2       AdamW's second-moment decay (the reference's align script: 0.98; libtorch's default 0.999)
 * @param weightDecay AdamW's decoupled weight decay (the reference: 0; libtorch's default 0.01)
 * @param schedule    after {@code warmupFraction} of the steps: cosine decay to 0, or constant (the reference)
 */
public record AlignConfig(AdapterKind adapter, int queryTokens, Mode mode, int epochs, int batchSize,
                          double learningRate, double encoderLearningRate, double warmupFraction,
                          double clipNorm, double beta1, double beta2, double weightDecay,
                          LearningRateSchedule schedule) {

    public enum Mode { ADAPTER_ONLY, ADAPTER_AND_ENCODER }

    /** {@code LEARNED_PROMPT} is the no-user control ({@link LearnedPromptAdapter}), {@code queryTokens} of them. */
    public enum AdapterKind { MEANPOOL, QFORMER, LEARNED_PROMPT }

    public AlignConfig {
        if (adapter == null) {
            throw new IllegalArgumentException("adapter must be one of meanpool, qformer, learned_prompt");
        }
        if (mode == null) {
            throw new IllegalArgumentException("mode must be one of ADAPTER_ONLY, ADAPTER_AND_ENCODER");
        }
        if (queryTokens <= 0) {
            throw new IllegalArgumentException("queryTokens must be positive");
        }
        if (epochs <= 0) {
            throw new IllegalArgumentException("epochs must be positive");
        }
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batchSize must be positive");
        }
        if (!(learningRate > 0 && Double.isFinite(learningRate))) {
            throw new IllegalArgumentException("learningRate must be positive and finite, got " + learningRate);
        }
        if (!(encoderLearningRate >= 0 && Double.isFinite(encoderLearningRate))) {
            throw new IllegalArgumentException("encoderLearningRate must be >= 0 and finite, got " + encoderLearningRate);
        }
        if (!(warmupFraction >= 0 && warmupFraction < 1)) {
            throw new IllegalArgumentException("warmupFraction must be in [0, 1)");
        }
        if (!(clipNorm > 0 && Double.isFinite(clipNorm))) {
            throw new IllegalArgumentException("clipNorm must be positive and finite, got " + clipNorm);
        }
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("beta1 and beta2 must be in [0, 1), got " + beta1 + ", " + beta2);
        }
        if (!(weightDecay >= 0 && Double.isFinite(weightDecay))) {
            throw new IllegalArgumentException("weightDecay must be >= 0 and finite, got " + weightDecay);
        }
        if (schedule == null) {
            schedule = LearningRateSchedule.COSINE;
        }
    }

    /** libtorch's AdamW defaults (betas 0.9/0.999, weight decay 0.01) and cosine decay: what alignment always used. */
    public AlignConfig(AdapterKind adapter, int queryTokens, Mode mode, int epochs, int batchSize, double learningRate,
                       double encoderLearningRate, double warmupFraction, double clipNorm) {
        this(adapter, queryTokens, mode, epochs, batchSize, learningRate, encoderLearningRate, warmupFraction, clipNorm,
                0.9, 0.999, 0.01, LearningRateSchedule.COSINE);
    }

    /**
     * The learned-prompt control of this alignment: the same recipe (epochs, batch, learning rate,
     * schedule) training {@code tokens} constant soft tokens, adapter only (there is no encoder to tune).
     */
    public AlignConfig learnedPrompt(int tokens) {
        return new AlignConfig(AdapterKind.LEARNED_PROMPT, tokens, Mode.ADAPTER_ONLY, epochs, batchSize, learningRate,
                encoderLearningRate, warmupFraction, clipNorm, beta1, beta2, weightDecay, schedule);
    }

    /**
     * The quickstart's alignment: 3 epochs at adapter lr 3e-3. Measured on the quickstart (soft
     * token minus question-only, All tasks): 2 epochs +10.3, 4 epochs +12.2 (align 101 s vs 213 s);
     * lr 1e-2 gave the same as 3e-3. Three epochs keep the whole quickstart near 8 minutes.
     */
    public static AlignConfig quickstart() {
        return new AlignConfig(AdapterKind.MEANPOOL, 16, Mode.ADAPTER_ONLY, 3, 32, 3e-3, 1e-5, 0.05, 1.0);
    }
}
