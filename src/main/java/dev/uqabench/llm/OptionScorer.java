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
            Tensor last = decoder.logits(decoder.lastHidden(padded[0], padded[1], cache));           // [B, V]
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
     * key/value cache; the options then run side by side in one pass over it (each reading the prompt and its own
     * earlier tokens), so a long prompt costs one pass instead of one per option.
     */
    public static OptionScore[] optionLogLikelihoods(Decoder decoder, Tensor promptEmbeds, List<long[]> options) {
        return optionLogLikelihoods(decoder, List.of(promptEmbeds), List.of(options))[0];
    }

    /** Logits of at most this many floats are held at once when the options are scored. */
    static final long LOGITS_CHUNK_FLOATS = 16L << 20;

    /**
     * {@link #optionLogLikelihoods(Decoder, Tensor, List)} for a batch of prompts at once: the prompts run
     * left-padded into one cache, then every prompt's options side by side in its own row of the cache, all rows in
     * one pass. Returns per prompt its options' scores.
     */
    public static OptionScore[][] optionLogLikelihoods(Decoder decoder, List<Tensor> promptEmbeds,
                                                       List<List<long[]>> options) {
        return optionLogLikelihoods(decoder, null, promptEmbeds, options, LOGITS_CHUNK_FLOATS);
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
        return optionLogLikelihoods(decoder, sharedPrefix, restEmbeds, options, LOGITS_CHUNK_FLOATS);
    }

    static OptionScore[][] optionLogLikelihoods(Decoder decoder, List<Tensor> promptEmbeds, List<List<long[]>> options,
                                                long logitsChunkFloats) {
        return optionLogLikelihoods(decoder, null, promptEmbeds, options, logitsChunkFloats);
    }

    private static OptionScore[][] optionLogLikelihoods(Decoder decoder, Tensor sharedPrefix, List<Tensor> promptEmbeds,
                                                        List<List<long[]>> options, long logitsChunkFloats) {
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
            Tensor firstLogProbs = decoder.logits(decoder.lastHidden(padded[0], padded[1], cache)).log_softmax(-1);
            long vocabulary = firstLogProbs.size(1);
            float[] first = Tensors.toFloats(firstLogProbs);                                     // [B, V]: option token 0
            float[][][] rest = restOfOptions(decoder, cache, options, logitsChunkFloats, vocabulary);
            OptionScore[][] scores = new OptionScore[prompts][];
            for (int b = 0; b < prompts; b++) {
                scores[b] = new OptionScore[options.get(b).size()];
                for (int i = 0; i < scores[b].length; i++) {
                    long[] option = options.get(b).get(i);
                    double sum = first[(int) (b * vocabulary + option[0])];
                    for (int j = 1; j < option.length; j++) sum += rest[b][i][j];
                    scores[b][i] = new OptionScore(sum, option.length);
                }
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
            decoder.lastHidden(prefix.to(decoder.computeType()).unsqueeze(0), null, one);       // fills the cache
            return one.selectRows(new long[rows]);
        }
    }

    /**
     * Per prompt and option, log p(token j | prompt, the option's tokens before j) at j (index 0 is left 0: the prompt
     * pass scores the first token). Every option of a prompt runs in the prompt's own row of the cache, side by side
     * (a tree of continuations): each option's tokens take the positions after the prompt and read the prompt and their
     * own earlier tokens only, so no option sees another and no cache row is copied per option.
     */
    private static float[][][] restOfOptions(Decoder decoder, KvCache cache, List<List<long[]>> options,
                                             long logitsChunkFloats, long vocabulary) {
        int prompts = options.size();
        float[][][] out = new float[prompts][][];
        int width = 0;                                        // per row: every option's tokens but its last
        for (int b = 0; b < prompts; b++) {
            out[b] = new float[options.get(b).size()][];
            int w = 0;
            for (int i = 0; i < out[b].length; i++) {
                out[b][i] = new float[options.get(b).get(i).length];
                w += options.get(b).get(i).length - 1;
            }
            width = Math.max(width, w);
        }
        if (width == 0) {
            return out;
        }
        int past = (int) cache.length();
        int keys = past + width;
        long[] cacheMask = Tensors.toLongs(cache.mask());                                          // [B * past]
        long[] ids = new long[prompts * width];
        long[] targets = new long[prompts * width];
        long[] positions = new long[prompts * width];
        long[] allowed = new long[prompts * width * keys];
        for (int b = 0; b < prompts; b++) {
            long promptTokens = 0;
            for (int s = 0; s < past; s++) promptTokens += cacheMask[b * past + s];
            int slot = 0;
            for (long[] option : options.get(b)) {
                int first = slot;                                    // the option's first slot in this row
                for (int j = 0; j + 1 < option.length; j++, slot++) {
                    int at = b * width + slot;
                    ids[at] = option[j];
                    targets[at] = option[j + 1];
                    positions[at] = promptTokens + j;
                    int row = at * keys;
                    for (int s = 0; s < past; s++) allowed[row + s] = cacheMask[b * past + s];
                    for (int s = first; s <= slot; s++) allowed[row + past + s] = 1;
                }
            }
            for (; slot < width; slot++) {                           // padding reads only itself; never used
                allowed[(b * width + slot) * keys + past + slot] = 1;
            }
        }
        try (PointerScope scope = new PointerScope()) {
            Tensor hidden = decoder.hidden(decoder.embed(Tensors.fromLongs(ids, prompts, width)),
                    Tensors.fromLongs(positions, prompts, width),
                    Tensors.fromLongs(allowed, prompts, 1, width, keys).ne(new Scalar(0L)), cache);   // [B, W, H]
            Tensor targetIds = Tensors.fromLongs(targets, prompts, width).unsqueeze(-1);              // [B, W, 1]
            // the logits are taken a chunk of rows at a time
            int chunk = (int) Math.max(1, logitsChunkFloats / (width * vocabulary));
            for (int start = 0; start < prompts; start += chunk) {
                int n = Math.min(chunk, prompts - start);
                try (PointerScope chunkScope = new PointerScope()) {
                    Tensor logProbs = decoder.logits(hidden.narrow(0, start, n)).log_softmax(-1);      // [n, W, V]
                    float[] picked = Tensors.toFloats(torch.gather(logProbs, 2, targetIds.narrow(0, start, n)));
                    for (int b = start; b < start + n; b++) {
                        int slot = 0;
                        for (int i = 0; i < out[b].length; i++) {
                            for (int j = 1; j < out[b][i].length; j++, slot++) {
                                out[b][i][j] = picked[(b - start) * width + slot];
                            }
                        }
                    }
                }
            }
        }
        return out;
    }

    private static Tensor lastLogits(Decoder decoder, Tensor embeds, Tensor mask) {
        return decoder.logits(decoder.lastHidden(embeds, mask, null));                             // [B, V]
    }

    private static void requireLeftPadded(Tensor mask) {
        if (mask == null) return;
        Tensor last = mask.select(1, mask.size(1) - 1);
        if (last.eq(new Scalar(0L)).any().item_bool()) {
            throw new IllegalArgumentException("prompts must be left-padded: the last position of every row must be real");
        }
    }

}
