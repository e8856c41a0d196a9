package dev.uqabench.llm;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/** Weighted next-token cross-entropy, written out so any position can be weighted or ignored. */
public final class LanguageModelLoss {

    private LanguageModelLoss() {
    }

    /**
     * @param logits  float {@code [batch, time, vocab]}
     * @param targets int64 {@code [batch, time]}, any valid id where the weight is 0
     * @param weights float {@code [batch, time]}: 0 ignores a position
     * @return the weighted mean of {@code -log p(target)}
     */
    public static Tensor weighted(Tensor logits, Tensor targets, Tensor weights) {
        return weightedMean(targetLogProbs(logits, targets), weights);
    }

    /**
     * {@code log p(target)} at every position: float {@code [batch * time]} from logits {@code [batch, time, vocab]} and
     * int64 targets {@code [batch, time]}; one log-softmax that several weightings can share, in float32 whatever the
     * logits' type (bf16 logits under autocast).
     */
    public static Tensor targetLogProbs(Tensor logits, Tensor targets) {
        long vocab = logits.size(2);
        Tensor logProbs = torch.log_softmax(logits.reshape(-1, vocab).to(ScalarType.Float), 1);   // [B*T, V]
        return logProbs.gather(1, targets.reshape(-1, 1)).squeeze(1);               // [B*T]
    }

    /** The weighted mean of {@code -picked}: {@code picked} from {@link #targetLogProbs}, weights {@code [batch, time]}. */
    public static Tensor weightedMean(Tensor picked, Tensor weights) {
        Tensor w = weights.reshape(-1).to(picked.scalar_type());
        return picked.mul(w).sum().neg().div(w.sum().clamp_min(new org.bytedeco.pytorch.Scalar(1e-9)));
    }
}
