package dev.uqabench.llm;

import dev.uqabench.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Autoregressive decoding with a KV cache: one batched prefill of left-padded prompts, then one token
 * per step for every row until each row meets a stop token or {@code maxNewTokens}.
 */
public final class Generation {
    private Generation() {}

    /**
     * @param maxNewTokens tokens to generate at most per row
     * @param temperature  0 = greedy (argmax); otherwise logits are divided by it before sampling
     * @param topP         nucleus sampling: keep the smallest set of tokens whose probability reaches it
     * @param seed         seeds the sampler; same seed, same output
     * @param stopIds      generation of a row ends at the first of these (not included in the output)
     */
    public record Settings(int maxNewTokens, double temperature, double topP, long seed, List<Long> stopIds) {
        public Settings {
            if (maxNewTokens < 0) throw new IllegalArgumentException("maxNewTokens " + maxNewTokens + " must be >= 0");
            if (!(temperature >= 0)) throw new IllegalArgumentException("temperature " + temperature + " must be >= 0");
            if (!(topP > 0 && topP <= 1)) throw new IllegalArgumentException("topP " + topP + " must be in (0, 1]");
            stopIds = List.copyOf(stopIds);
        }

        public static Settings greedy(int maxNewTokens, List<Long> stopIds) {
            return new Settings(maxNewTokens, 0, 1, 0, stopIds);
        }
    }

    /** Receives each generated token as soon as it is chosen (e.g. to stream a chat answer). */
    @FunctionalInterface
    public interface TokenListener {
        void onToken(int row, long token);
    }

    /** Continues each prompt (token ids, lengths may differ); returns the new ids of each row. */
    public static List<long[]> generate(Decoder decoder, List<long[]> prompts, Settings settings) {
        return generate(decoder, prompts, settings, (row, token) -> { });
    }

    public static List<long[]> generate(Decoder decoder, List<long[]> prompts, Settings settings, TokenListener listener) {
        int batch = prompts.size();
        int longest = prompts.stream().mapToInt(p -> p.length).max().orElse(0);
        long[] ids = new long[batch * longest];
        long[] mask = new long[batch * longest];
        for (int b = 0; b < batch; b++) {
            long[] p = prompts.get(b);
            if (p.length == 0) throw new IllegalArgumentException("prompt " + b + " is empty");
            int offset = longest - p.length;              // left padding keeps every row's end aligned
            for (int t = 0; t < p.length; t++) {
                ids[b * longest + offset + t] = p[t];
                mask[b * longest + offset + t] = 1;
            }
        }
        try (PointerScope scope = new PointerScope()) {
            Tensor idTensor = Tensors.fromLongs(ids, batch, longest);
            Tensor maskTensor = Tensors.fromLongs(mask, batch, longest);
            return generate(decoder, decoder.embed(idTensor), maskTensor, settings, listener);
        }
    }

    /**
     * Continues left-padded prompt embeddings [B, T, hidden] with mask [B, T] (e.g. soft prompts followed
     * by token embeddings).
     */
    public static List<long[]> generate(Decoder decoder, Tensor promptEmbeds, Tensor promptMask, Settings settings) {
        return generate(decoder, promptEmbeds, promptMask, settings, (row, token) -> { });
    }

    public static List<long[]> generate(Decoder decoder, Tensor promptEmbeds, Tensor promptMask, Settings settings,
                                        TokenListener listener) {
        int batch = (int) promptEmbeds.size(0);
        List<List<Long>> out = new ArrayList<>();
        for (int b = 0; b < batch; b++) out.add(new ArrayList<>());
        boolean[] done = new boolean[batch];
        SplittableRandom random = new SplittableRandom(settings.seed());
        try (NoGradGuard noGrad = new NoGradGuard(); KvCache cache = decoder.newCache(batch)) {
            Tensor embeds = promptEmbeds;
            Tensor mask = promptMask;
            for (int step = 0; step < settings.maxNewTokens(); step++) {
                long[] next;
                try (PointerScope scope = new PointerScope()) {
                    Tensor last = decoder.lastHidden(embeds, mask, cache);                            // [B, H]
                    Tensor logits = decoder.logits(last);                                             // [B, V]
                    next = settings.temperature() == 0 ? Tensors.toLongs(logits.argmax(new LongOptional(1), false))
                            : sample(logits, settings, random);
                }
                boolean allDone = true;
                for (int b = 0; b < batch; b++) {
                    if (!done[b] && settings.stopIds().contains(next[b])) done[b] = true;
                    if (!done[b]) {
                        out.get(b).add(next[b]);
                        listener.onToken(b, next[b]);
                    }
                    allDone &= done[b];
                }
                if (allDone) break;
                // The next step's inputs outlive this iteration's scope; the previous step's are freed here.
                if (embeds != promptEmbeds) {
                    embeds.close();
                    mask.close();
                }
                try (Tensor nextIds = Tensors.fromLongs(next, batch, 1)) {
                    embeds = Tensors.keep(decoder.embed(nextIds));
                }
                mask = Tensors.keep(torch.ones(new long[] {batch, 1}, Tensors.options(torch.ScalarType.Long)));
            }
            if (embeds != promptEmbeds) {
                embeds.close();
                mask.close();
            }
        }
        List<long[]> result = new ArrayList<>();
        for (List<Long> row : out) result.add(row.stream().mapToLong(Long::longValue).toArray());
        return result;
    }

    /** Temperature, then nucleus (top-p) filtering, then one draw per row. */
    private static long[] sample(Tensor logits, Settings settings, SplittableRandom random) {
        int batch = (int) logits.size(0), vocab = (int) logits.size(1);
        float[] all = Tensors.toFloats(logits.div(new org.bytedeco.pytorch.Scalar(settings.temperature()))
                .softmax(-1));
        long[] next = new long[batch];
        for (int b = 0; b < batch; b++) {
            float[] p = Arrays.copyOfRange(all, b * vocab, (b + 1) * vocab);
            next[b] = samplePlain(p, settings.topP(), random);
        }
        return next;
    }

    static int samplePlain(float[] probabilities, double topP, SplittableRandom random) {
        Integer[] order = new Integer[probabilities.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Float.compare(probabilities[b], probabilities[a]));
        // Keep tokens in descending order until their mass reaches topP (at least one token).
        double mass = 0;
        int kept = 0;
        while (kept < order.length && (kept == 0 || mass < topP)) mass += probabilities[order[kept++]];
        double u = random.nextDouble() * mass;
        double cumulative = 0;
        for (int i = 0; i < kept; i++) {
            cumulative += probabilities[order[i]];
            if (u < cumulative) return order[i];
        }
        return order[kept - 1];
    }

    /** Greedy continuation recomputing the whole sequence each step: the reference the cache must match. */
    static long[] greedyByRecomputation(Decoder decoder, long[] prompt, int newTokens) {
        long[] sequence = Arrays.copyOf(prompt, prompt.length + newTokens);
        try (NoGradGuard noGrad = new NoGradGuard()) {
            for (int step = 0; step < newTokens; step++) {
                try (PointerScope scope = new PointerScope()) {
                    int length = prompt.length + step;
                    Tensor ids = Tensors.fromLongs(Arrays.copyOf(sequence, length), 1, length);
                    Tensor logits = decoder.forward(decoder.embed(ids), null);                   // [1, T, V]
                    sequence[length] = logits.select(1, length - 1).argmax(new LongOptional(1), false).item_long();
                }
            }
        }
        return Arrays.copyOfRange(sequence, prompt.length, sequence.length);
    }

}
