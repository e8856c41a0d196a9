package dev.uqabench.llm;

import dev.uqabench.base.UqaException;
import dev.uqabench.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.Arrays;
import java.util.List;

/**
 * The two ways a multiple-choice answer is read from the decoder: the reference's greedy one-token answer
 * (and, sharper, the log-probability of each option letter at the answer position), and the
 * log-likelihood of each option's full text after the prompt. All run without gradients.
 */
public final class OptionScorer {
    private OptionScorer() {}

    /** Summed log-probability of an option's tokens and how many there were (for length normalisation). */
    public record OptionScore(double logLikelihood, int tokens) {
        public double meanLogLikelihood() { return tokens == 0 ? 0 : logLikelihood / tokens; }
    }

    /** The token id of each letter ("A".."D"); each must be exactly one token. */
    public static long[] letterTokenIds(LlmTokenizer tokenizer, List<String> letters) {
        long[] ids = new long[letters.size()];
        for (int i = 0; i < ids.length; i++) {
            long[] encoded = tokenizer.encode(letters.get(i));
            if (encoded.length != 1) {
                throw new UqaException(tokenizer.source() + ": option letter '" + letters.get(i) + "' is "
                        + encoded.length + " tokens, expected 1");
            }
            ids[i] = encoded[0];
        }
        return ids;
    }

    /**
     * Log-softmax over the whole vocabulary at the answer position (the last one) of left-padded prompts
     * [B, T, hidden] with mask [B, T], read at each of {@code tokenIds}: returns [B][tokenIds.length].
     */
    public static float[][] answerLogProbs(Decoder decoder, Tensor embeds, Tensor mask, long[] tokenIds) {
        int batch = (int) embeds.size(0);
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            requireLeftPadded(mask);
            Tensor logProbs = lastLogits(decoder, embeds, mask).log_softmax(-1);                 // [B, V]
            Tensor picked = logProbs.index_select(1, Tensors.fromLongs(tokenIds, tokenIds.length)); // [B, L]
            float[] flat = Tensors.toFloats(picked);
            float[][] out = new float[batch][];
            for (int b = 0; b < batch; b++) out[b] = Arrays.copyOfRange(flat, b * tokenIds.length, (b + 1) * tokenIds.length);
            return out;
        }
    }

    /** The reference's answer: the single most likely next token at the answer position, per row. */
    public static long[] greedyNextToken(Decoder decoder, Tensor embeds, Tensor mask) {
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            requireLeftPadded(mask);
            return Tensors.toLongs(lastLogits(decoder, embeds, mask).argmax(new LongOptional(1), false));
        }
    }

    /**
     * log p(option tokens | prompt) for each option. {@code promptEmbeds} is one prompt [T, hidden]
     * (soft prompts included), each option a non-empty list of token ids. The prompt runs once into a
     * key/value cache; the options then run as one right-padded batch over copies of that cache, so
     * a long prompt costs one pass instead of one per option.
     */
    public static OptionScore[] optionLogLikelihoods(Decoder decoder, Tensor promptEmbeds, List<long[]> options) {
        int n = options.size();
        int longest = 0;
        for (int i = 0; i < n; i++) {
            if (options.get(i).length == 0) throw new IllegalArgumentException("option " + i + " has no tokens");
            longest = Math.max(longest, options.get(i).length);
        }
        long promptLength = promptEmbeds.size(0);
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard();
             KvCache prompt = decoder.newCache(1)) {
            Tensor promptHidden = decoder.hidden(promptEmbeds.to(decoder.computeType()).unsqueeze(0), null, prompt);
            float[] first = Tensors.toFloats(decoder.logits(promptHidden.select(1, promptLength - 1))
                    .log_softmax(-1).squeeze(0));                                                  // [V]: option token 0
            long[][] ids = new long[n][longest];
            long[][] mask = new long[n][longest];
            for (int i = 0; i < n; i++) {
                System.arraycopy(options.get(i), 0, ids[i], 0, options.get(i).length);
                Arrays.fill(mask[i], 0, options.get(i).length, 1L);
            }
            float[] picked = new float[n * longest];                                               // [N, L]
            if (longest > 1) {
                try (KvCache shared = prompt.repeatRows(n)) {
                    Tensor hidden = decoder.hidden(decoder.embed(Tensors.fromLongs(ids)), Tensors.fromLongs(mask), shared);
                    // Option position j-1 predicts option token j.
                    Tensor logProbs = decoder.logits(hidden.narrow(1, 0, longest - 1)).log_softmax(-1);  // [N, L-1, V]
                    Tensor targets = Tensors.fromLongs(ids).narrow(1, 1, longest - 1).unsqueeze(-1);     // [N, L-1, 1]
                    float[] rest = Tensors.toFloats(torch.gather(logProbs, 2, targets));                  // [N, L-1]
                    for (int i = 0; i < n; i++) {
                        System.arraycopy(rest, i * (longest - 1), picked, i * longest + 1, longest - 1);
                    }
                }
            }
            OptionScore[] scores = new OptionScore[n];
            for (int i = 0; i < n; i++) {
                long[] option = options.get(i);
                double sum = first[(int) option[0]];
                for (int j = 1; j < option.length; j++) sum += picked[i * longest + j];
                scores[i] = new OptionScore(sum, option.length);
            }
            return scores;
        }
    }

    private static Tensor lastLogits(Decoder decoder, Tensor embeds, Tensor mask) {
        Tensor hidden = decoder.hidden(embeds, mask);                                              // [B, T, H]
        return decoder.logits(hidden.select(1, hidden.size(1) - 1));                               // [B, V]
    }

    private static void requireLeftPadded(Tensor mask) {
        if (mask == null) return;
        Tensor last = mask.select(1, mask.size(1) - 1);
        if (last.eq(new Scalar(0L)).any().item_bool()) {
            throw new IllegalArgumentException("prompts must be left-padded: the last position of every row must be real");
        }
    }

}
