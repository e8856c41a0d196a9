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
     * {@link #greedyNextToken(Decoder, Tensor, Tensor)} for prompts that all begin with {@code sharedPrefix}
     * [P, hidden]: the prefix runs once into a cache, each prompt's own rest (non-empty, [T_b, hidden]) left-padded over
     * copies of it.
     */
    public static long[] greedyNextToken(Decoder decoder, Tensor sharedPrefix, List<Tensor> restEmbeds) {
        requirePrefix(sharedPrefix, restEmbeds);
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard();
             KvCache cache = prefixCache(decoder, sharedPrefix, restEmbeds.size())) {
            Tensor[] padded = leftPadded(decoder, restEmbeds);
            Tensor hidden = decoder.hidden(padded[0], padded[1], cache);                              // [B, T, H]
            Tensor last = decoder.logits(hidden.select(1, hidden.size(1) - 1));                       // [B, V]
            return Tensors.toLongs(last.argmax(new LongOptional(1), false));
        }
    }

    /** Embeddings [B, T, hidden] in the decoder's dtype and mask [B, T] (null for one row) of left-padded rows. */
    private static Tensor[] leftPadded(Decoder decoder, List<Tensor> rows) {
        if (rows.size() == 1) {
            return new Tensor[] {rows.get(0).to(decoder.computeType()).unsqueeze(0), null};
        }
        List<Tensor> typed = new java.util.ArrayList<>(rows.size());
        for (Tensor t : rows) typed.add(t.to(decoder.computeType()));
        return SoftPrompt.leftPad(typed);
    }

    private static void requirePrefix(Tensor sharedPrefix, List<Tensor> restEmbeds) {
        if (sharedPrefix == null || sharedPrefix.dim() != 2 || sharedPrefix.size(0) == 0) {
            throw new IllegalArgumentException("the shared prefix must be a non-empty [tokens, hidden] tensor");
        }
        if (restEmbeds.isEmpty()) {
            throw new IllegalArgumentException("no prompts after the shared prefix");
        }
        for (int b = 0; b < restEmbeds.size(); b++) {
            if (restEmbeds.get(b).dim() != 2 || restEmbeds.get(b).size(0) == 0) {
                throw new IllegalArgumentException("prompt " + b + " has no tokens after the shared prefix");
            }
        }
    }

    /**
     * log p(option tokens | prompt) for each option. {@code promptEmbeds} is one prompt [T, hidden]
     * (soft prompts included), each option a non-empty list of token ids. The prompt runs once into a
     * key/value cache; the options then run as one right-padded batch over copies of that cache, so
     * a long prompt costs one pass instead of one per option.
     */
    public static OptionScore[] optionLogLikelihoods(Decoder decoder, Tensor promptEmbeds, List<long[]> options) {
        return optionLogLikelihoods(decoder, List.of(promptEmbeds), List.of(options))[0];
    }

    /** Logits of at most this many floats are held at once when the options are scored. */
    static final long LOGITS_CHUNK_FLOATS = 16L << 20;

    /**
     * The options of several prompts run together while their copies of the prompts' cache stay under this many
     * floats per layer: a larger copy costs more in fresh pages and memory traffic than the batch saves (text
     * contexts of 360 tokens at batch 32 ran 2.6x slower with every option row in one pass).
     */
    static final long CACHE_CHUNK_FLOATS = 512L << 10;

    /**
     * {@link #optionLogLikelihoods(Decoder, Tensor, List)} for a batch of prompts at once: the prompts run
     * left-padded into one cache, then the options of a group of prompts run as one right-padded batch over
     * their prompts' rows of the cache. Returns per prompt its options' scores.
     */
    public static OptionScore[][] optionLogLikelihoods(Decoder decoder, List<Tensor> promptEmbeds,
                                                       List<List<long[]>> options) {
        return optionLogLikelihoods(decoder, null, promptEmbeds, options, LOGITS_CHUNK_FLOATS, CACHE_CHUNK_FLOATS);
    }

    /**
     * {@link #optionLogLikelihoods(Decoder, List, List)} for prompts that all begin with the same {@code sharedPrefix}
     * [P, hidden] (e.g. one user's history written out, asked several questions): the prefix runs once into a cache,
     * each prompt's own rest {@code restEmbeds} (non-empty, [T_b, hidden]) runs left-padded over copies of it, then the
     * options as there. The same log-likelihoods as the whole prompts give, up to the order of float sums: a causal
     * decoder's prefix does not depend on what follows it.
     */
    public static OptionScore[][] optionLogLikelihoods(Decoder decoder, Tensor sharedPrefix, List<Tensor> restEmbeds,
                                                       List<List<long[]>> options) {
        requirePrefix(sharedPrefix, restEmbeds);
        return optionLogLikelihoods(decoder, sharedPrefix, restEmbeds, options, LOGITS_CHUNK_FLOATS,
                CACHE_CHUNK_FLOATS);
    }

    static OptionScore[][] optionLogLikelihoods(Decoder decoder, List<Tensor> promptEmbeds, List<List<long[]>> options,
                                                long logitsChunkFloats, long cacheChunkFloats) {
        return optionLogLikelihoods(decoder, null, promptEmbeds, options, logitsChunkFloats, cacheChunkFloats);
    }

    private static OptionScore[][] optionLogLikelihoods(Decoder decoder, Tensor sharedPrefix, List<Tensor> promptEmbeds,
                                                        List<List<long[]>> options, long logitsChunkFloats,
                                                        long cacheChunkFloats) {
        if (promptEmbeds.size() != options.size() || promptEmbeds.isEmpty()) {
            throw new IllegalArgumentException(promptEmbeds.size() + " prompts for " + options.size() + " option lists");
        }
        int prompts = promptEmbeds.size();
        for (int b = 0; b < prompts; b++) {
            for (int i = 0; i < options.get(b).size(); i++) {
                if (options.get(b).get(i).length == 0) {
                    throw new IllegalArgumentException("prompt " + b + " option " + i + " has no tokens");
                }
            }
        }
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard();
             KvCache cache = prefixCache(decoder, sharedPrefix, prompts)) {
            Tensor[] padded = leftPadded(decoder, promptEmbeds);                 // one prompt: nothing to pad
            Tensor promptHidden = decoder.hidden(padded[0], padded[1], cache);
            Tensor firstLogProbs = decoder.logits(promptHidden.select(1, promptHidden.size(1) - 1)).log_softmax(-1);
            long vocabulary = firstLogProbs.size(1);
            float[] first = Tensors.toFloats(firstLogProbs);                                     // [B, V]: option token 0
            OptionScore[][] scores = new OptionScore[prompts][];
            long floatsPerRow = cache.length() * decoder.config().numberOfKeyValueHeads() * decoder.config().headDim();
            for (int from = 0; from < prompts; ) {
                int to = from + 1;                                              // prompts [from, to) share a pass
                int rows = options.get(from).size();
                while (to < prompts && (rows + options.get(to).size()) * floatsPerRow <= cacheChunkFloats) {
                    rows += options.get(to++).size();
                }
                float[][] rest = restOfOptions(decoder, cache, options, from, to, logitsChunkFloats, vocabulary);
                for (int b = from, r = 0; b < to; b++) {
                    scores[b] = new OptionScore[options.get(b).size()];
                    for (int i = 0; i < scores[b].length; i++, r++) {
                        long[] option = options.get(b).get(i);
                        double sum = first[(int) (b * vocabulary + option[0])];
                        for (int j = 1; j < option.length; j++) sum += rest[r][j];
                        scores[b][i] = new OptionScore(sum, option.length);
                    }
                }
                from = to;
            }
            return scores;
        }
    }

    /** An empty cache of {@code rows} rows, or {@code rows} copies of the cache of {@code prefix} [P, hidden]. */
    private static KvCache prefixCache(Decoder decoder, Tensor prefix, int rows) {
        if (prefix == null) {
            return decoder.newCache(rows);
        }
        try (PointerScope scope = new PointerScope(); KvCache one = decoder.newCache(1)) {
            decoder.hidden(prefix.to(decoder.computeType()).unsqueeze(0), null, one);
            return one.selectRows(new long[rows]);
        }
    }

    /**
     * Per option row of prompts [from, to), in order, log p(token j | prompt, tokens before j) at j (index 0 is
     * left 0: the prompt pass scores the first token).
     */
    private static float[][] restOfOptions(Decoder decoder, KvCache cache, List<List<long[]>> options, int from, int to,
                                           long logitsChunkFloats, long vocabulary) {
        int rows = 0;
        int longest = 0;
        for (int b = from; b < to; b++) {
            rows += options.get(b).size();
            for (long[] option : options.get(b)) longest = Math.max(longest, option.length);
        }
        float[][] out = new float[rows][longest];
        if (longest == 1) {
            return out;
        }
        long[][] ids = new long[rows][longest];
        long[][] optionMask = new long[rows][longest];
        long[] source = new long[rows];
        for (int b = from, r = 0; b < to; b++) {
            for (long[] option : options.get(b)) {
                System.arraycopy(option, 0, ids[r], 0, option.length);
                Arrays.fill(optionMask[r], 0, option.length, 1L);
                source[r++] = b;
            }
        }
        try (PointerScope scope = new PointerScope(); KvCache shared = cache.selectRows(source)) {
            Tensor hidden = decoder.hidden(decoder.embed(Tensors.fromLongs(ids)), Tensors.fromLongs(optionMask),
                    shared).narrow(1, 0, longest - 1);                                           // [R, L-1, H]
            Tensor targets = Tensors.fromLongs(ids).narrow(1, 1, longest - 1).unsqueeze(-1);      // [R, L-1, 1]
            // option position j-1 predicts option token j; the logits are taken a chunk of rows at a time
            int chunk = (int) Math.max(1, logitsChunkFloats / ((longest - 1) * vocabulary));
            for (int start = 0; start < rows; start += chunk) {
                int n = Math.min(chunk, rows - start);
                try (PointerScope chunkScope = new PointerScope()) {
                    Tensor logProbs = decoder.logits(hidden.narrow(0, start, n)).log_softmax(-1);  // [n, L-1, V]
                    float[] picked = Tensors.toFloats(torch.gather(logProbs, 2, targets.narrow(0, start, n)));
                    for (int i = 0; i < n; i++) {
                        System.arraycopy(picked, i * (longest - 1), out[start + i], 1, longest - 1);
                    }
                }
            }
        }
        return out;
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
