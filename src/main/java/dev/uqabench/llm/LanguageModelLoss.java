package dev.uqabench.llm;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

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
        long vocab = logits.size(2);
        Tensor logProbs = torch.log_softmax(logits.reshape(-1, vocab), 1);           // [B*T, V]
        Tensor picked = logProbs.gather(1, targets.reshape(-1, 1)).squeeze(1);      // [B*T]
        Tensor w = weights.reshape(-1).to(picked.scalar_type());
        return picked.mul(w).sum().neg().div(w.sum().clamp_min(new org.bytedeco.pytorch.Scalar(1e-9)));
    }
}
