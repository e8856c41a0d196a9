package dev.uqabench.llm;

import dev.uqabench.tensor.DType;
import dev.uqabench.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What must not change: KV-cache decoding vs recomputation, padding, compute dtype within tolerance. */
class DecoderInvarianceTest {
    private static final long[][] PROMPTS = {{3, 7, 11, 2, 19}, {5, 1, 4, 9, 16, 8, 13, 12, 6}, {17, 10, 14}};

    @TempDir
    Path tmp;

    private static Decoder model(long seed) {
        // A larger init spread than HF's 0.02 so logits differ clearly between tokens (greedy ties are rare).
        DecoderConfig base = TinyModels.qwen2(true);
        DecoderConfig config = new DecoderConfig("qwen2", base.vocabSize(), base.hiddenSize(), base.intermediateSize(),
                base.numberOfLayers(), base.numberOfHeads(), base.numberOfKeyValueHeads(), null, 128, 10000.0, null,
                1e-6, true, null, null, null, "silu", 0.3, null, null);
        Decoder d = Decoder.create(config, seed);
        d.freeze();
        return d;
    }

    @Test
    void kvCacheDecodingEqualsFullRecomputation() {
        try (PointerScope scope = new PointerScope()) {
            Decoder decoder = model(11);
            List<long[]> prompts = List.of(PROMPTS);
            List<long[]> cached = Generation.generate(decoder, prompts, Generation.Settings.greedy(8, List.of()));
            for (int b = 0; b < prompts.size(); b++) {
                long[] recomputed = Generation.greedyByRecomputation(decoder, prompts.get(b), 8);
                assertArrayEquals(recomputed, cached.get(b), "row " + b);
            }
        }
    }

    @Test
    void kvCacheStepLogitsEqualFullForwardLogits() {
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            Decoder decoder = model(12);
            long[] ids = PROMPTS[1];
            Tensor full = decoder.forward(decoder.embed(Tensors.fromLongs(new long[][] {ids})), null);   // [1, T, V]
            try (KvCache cache = decoder.newCache(1)) {
                int prefill = 4;
                long[] head = java.util.Arrays.copyOf(ids, prefill);
                Tensor h = decoder.hidden(decoder.embed(Tensors.fromLongs(new long[][] {head})), null, cache);
                DecoderGoldenTest.assertClose(full.narrow(1, 0, prefill), decoder.logits(h), 1e-5, "prefill");
                for (int t = prefill; t < ids.length; t++) {
                    Tensor step = decoder.hidden(decoder.embed(Tensors.fromLongs(new long[][] {{ids[t]}})), null, cache);
                    DecoderGoldenTest.assertClose(full.narrow(1, t, 1), decoder.logits(step), 1e-5, "step " + t);
                }
                assertEquals(ids.length, cache.length());
            }
        }
    }

    /** {@link #PROMPTS} padded to {@code longest} on the left or the right; fills {@code mask} (1 = real token). */
    private static long[][] padded(boolean left, int longest, long[][] mask) {
        long[][] ids = new long[PROMPTS.length][longest];
        for (int b = 0; b < PROMPTS.length; b++) {
            int offset = left ? longest - PROMPTS[b].length : 0;
            for (int t = 0; t < PROMPTS[b].length; t++) {
                ids[b][offset + t] = PROMPTS[b][t];
                mask[b][offset + t] = 1;
            }
            // Padding ids are arbitrary: they must not matter.
            for (int t = 0; t < longest; t++) if (mask[b][t] == 0) ids[b][t] = 19 - t;
        }
        return ids;
    }

    @Test
    void paddedBatchEqualsEachRowAloneForLeftAndRightPadding() {
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            Decoder decoder = model(13);
            int longest = 9;
            for (boolean left : new boolean[] {true, false}) {
                long[][] mask = new long[PROMPTS.length][longest];
                long[][] ids = padded(left, longest, mask);
                Tensor batch = decoder.forward(decoder.embed(Tensors.fromLongs(ids)), Tensors.fromLongs(mask));
                for (int b = 0; b < PROMPTS.length; b++) {
                    Tensor alone = decoder.forward(decoder.embed(Tensors.fromLongs(new long[][] {PROMPTS[b]})), null);
                    int offset = left ? longest - PROMPTS[b].length : 0;
                    Tensor row = batch.narrow(0, b, 1).narrow(1, offset, PROMPTS[b].length);
                    DecoderGoldenTest.assertClose(alone, row, 1e-5, (left ? "left" : "right") + " padding row " + b);
                }
            }
        }
    }

    /**
     * Hidden states at chosen positions only ({@link Decoder#hiddenAt}, the last block at those rows) equal the whole
     * sequence's states at them, forward and in the gradient to the inputs: left- and right-padded batches (the masked
     * and the causal-only paths), repeated rows, the first and the last position, rows on padding beside them.
     */
    @Test
    void hiddenAtChosenRowsEqualsTheWholeSequenceAtThem() {
        try (PointerScope scope = new PointerScope()) {
            Decoder decoder = model(13);
            int longest = 9;
            long[][] rowIndex = {{4, 4, 0}, {8, 3, 5}, {2, 8, 1}};
            for (boolean left : new boolean[] {true, false}) {
                long[][] mask = new long[PROMPTS.length][longest];
                long[][] ids = padded(left, longest, mask);
                Tensor rows = Tensors.fromLongs(rowIndex);
                Tensor[] embeds = new Tensor[2];
                Tensor[] states = new Tensor[2];
                for (int i = 0; i < 2; i++) {
                    embeds[i] = decoder.embed(Tensors.fromLongs(ids)).detach().requires_grad_(true);
                    Tensor m = Tensors.fromLongs(mask);
                    states[i] = i == 0 ? decoder.hiddenAt(embeds[i], m, rows)
                            : decoder.hidden(embeds[i], m).gather(1, rows.unsqueeze(2).expand(3, 3, embeds[i].size(2)));
                }
                assertArrayEquals(Tensors.shape(states[1]), Tensors.shape(states[0]));
                // rows on padding are in the batch but not compared: their (unused) states depend on the path
                List<Long> real = new ArrayList<>();
                for (int b = 0; b < 3; b++) {
                    for (int r = 0; r < 3; r++) if (mask[b][(int) rowIndex[b][r]] == 1) real.add(b * 3L + r);
                }
                assertTrue(real.size() >= 6, "most rows are real tokens: " + real);
                Tensor pick = Tensors.fromLongs(real.stream().mapToLong(Long::longValue).toArray(), real.size());
                for (int i = 0; i < 2; i++) states[i] = states[i].reshape(9, -1).index_select(0, pick);
                DecoderGoldenTest.assertClose(states[1], states[0], 1e-5, (left ? "left" : "right") + " padding");
                Tensor weights = torch.randn(Tensors.shape(states[0]));
                for (int i = 0; i < 2; i++) states[i].mul(weights).sum().backward();
                double largest = embeds[1].grad().abs().max().item_double();           // ~10: relative tolerance
                DecoderGoldenTest.assertClose(embeds[1].grad(), embeds[0].grad(), 1e-5 * Math.max(1, largest),
                        (left ? "left" : "right") + " padding, gradient to the inputs (largest " + largest + ")");
            }
            Tensor e = decoder.embed(Tensors.fromLongs(new long[][] {PROMPTS[0]}));
            IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                    () -> decoder.hiddenAt(e, null, Tensors.fromLongs(new long[][] {{5}})));
            assertTrue(bad.getMessage().contains("row index 5 outside the sequence [0, 5)"), bad.getMessage());
        }
    }

    /**
     * A prompt pass that keeps only each row's last state ({@link Decoder#lastHidden}) after a left-padded prefix
     * already in the cache: the same states as the whole pass's last position, and a cache that continues the same way
     * (the next token's logits agree), with and without an earlier cache.
     */
    @Test
    void lastHiddenEqualsTheWholePassAtTheLastPositionAndFillsTheSameCache() {
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            Decoder decoder = model(15);
            int longest = 9, prefix = 4;
            long[][] mask = new long[PROMPTS.length][longest];
            long[][] ids = padded(true, longest, mask);
            Tensor embeds = decoder.embed(Tensors.fromLongs(ids));
            Tensor allMask = Tensors.fromLongs(mask);
            long[][] next = {{7}, {3}, {11}};
            for (boolean cached : new boolean[] {false, true}) {
                Tensor[] last = new Tensor[2];
                Tensor[] following = new Tensor[2];
                for (int i = 0; i < 2; i++) {
                    try (KvCache cache = decoder.newCache(PROMPTS.length)) {
                        Tensor newEmbeds = embeds;
                        Tensor newMask = allMask;
                        if (cached) {                   // the prefix (padding included) is in the cache already
                            decoder.hidden(embeds.narrow(1, 0, prefix), allMask.narrow(1, 0, prefix), cache);
                            newEmbeds = embeds.narrow(1, prefix, longest - prefix);
                            newMask = allMask.narrow(1, prefix, longest - prefix);
                        }
                        if (i == 0) {
                            last[i] = decoder.lastHidden(newEmbeds, newMask, cache);
                        } else {
                            Tensor whole = decoder.hidden(newEmbeds, newMask, cache);
                            last[i] = whole.select(1, whole.size(1) - 1);
                        }
                        following[i] = decoder.logits(decoder.hidden(decoder.embed(Tensors.fromLongs(next)), null,
                                cache));
                        assertEquals(longest + 1, cache.length());
                    }
                }
                assertArrayEquals(new long[] {PROMPTS.length, decoder.config().hiddenSize()}, Tensors.shape(last[0]));
                DecoderGoldenTest.assertClose(last[1], last[0], 1e-5, "last states, cached prefix " + cached);
                DecoderGoldenTest.assertClose(following[1], following[0], 1e-5, "next step, cached prefix " + cached);
            }
            IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                    () -> decoder.lastHidden(embeds.select(0, 0), null, null));
            assertTrue(bad.getMessage().startsWith("embeddings must be [batch, time, "), bad.getMessage());
        }
    }

    /**
     * bf16 compute stays within 4% of the largest |logit| of fp32 on the same bf16-stored weights (bf16
     * keeps 8 significant bits, about 0.4% per rounding, and errors add over layers; observed: 1.7%).
     */
    @Test
    void bf16ComputeIsWithinStatedToleranceOfFp32() {
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            Path dir = tmp.resolve("bf16");
            HfFolder.save(model(14), dir, TinyModels.tokenizer(), null, null, "<|im_end|>", DType.BF16);
            Decoder fp32 = HfFolder.loadDecoder(dir, ComputeType.FP32);
            Decoder bf16 = HfFolder.loadDecoder(dir, ComputeType.BF16);
            Tensor ids = Tensors.fromLongs(new long[][] {PROMPTS[1]});
            assertWithinBf16Tolerance(Tensors.toFloats(fp32.forward(fp32.embed(ids), null)),
                    Tensors.toFloats(bf16.forward(bf16.embed(ids), null)), "bf16 vs fp32 compute");
        }
    }

    /**
     * The largest |difference| is at most 4 % of the largest |logit| of {@code reference}, and not zero (the other
     * path really ran); returns that largest |logit|.
     */
    private static double assertWithinBf16Tolerance(float[] reference, float[] other, String what) {
        double worst = 0, range = 0;
        for (int i = 0; i < reference.length; i++) {
            worst = Math.max(worst, Math.abs(reference[i] - other[i]));
            range = Math.max(range, Math.abs(reference[i]));
        }
        System.out.printf("%s: max |diff| %.4g, max |logit| %.4g%n", what, worst, range);
        assertTrue(worst <= 0.04 * range, what + ": max |diff| " + worst + " vs max |logit| " + range);
        assertTrue(worst > 0, what + ": the two paths must actually differ");
        return range;
    }

    /**
     * Attention in bf16 (chosen on AMX CPUs) against float32 attention over the same bf16 weights: within the bf16
     * tolerance above, for a whole-sequence pass and for cached decoding, and not identical (the path really changed).
     */
    /**
     * Two continuations of one cached prompt side by side in one row, each reading the prompt and its own earlier
     * tokens (the tree pass of option scoring), give each continuation's hidden states as its own row would.
     */
    @Test
    void continuationsSideBySideInOneRowEqualEachInItsOwnRow() {
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            Decoder d = model(17);
            long[] prompt = PROMPTS[1];
            long[][] continuations = {{3, 7, 11}, {19, 2}};
            Tensor[] alone = new Tensor[2];
            for (int c = 0; c < 2; c++) {
                try (KvCache cache = d.newCache(1)) {
                    d.hidden(d.embed(Tensors.fromLongs(new long[][] {prompt})), null, cache);
                    alone[c] = d.hidden(d.embed(Tensors.fromLongs(new long[][] {continuations[c]})), null, cache);
                }
            }
            try (KvCache cache = d.newCache(1)) {
                d.hidden(d.embed(Tensors.fromLongs(new long[][] {prompt})), null, cache);
                int past = prompt.length, width = 5, keys = past + width;
                long[] allowed = new long[width * keys];
                for (int t = 0; t < width; t++) {
                    for (int s = 0; s < past; s++) allowed[t * keys + s] = 1;
                    int first = t < 3 ? 0 : 3;
                    for (int s = first; s <= t; s++) allowed[t * keys + past + s] = 1;
                }
                long p = past;
                Tensor tree = d.hidden(d.embed(Tensors.fromLongs(new long[][] {{3, 7, 11, 19, 2}})),
                        Tensors.fromLongs(new long[][] {{p, p + 1, p + 2, p, p + 1}}),
                        Tensors.fromLongs(allowed, 1, 1, width, keys).ne(new org.bytedeco.pytorch.Scalar(0L)), cache);
                DecoderGoldenTest.assertClose(alone[0], tree.narrow(1, 0, 3), 1e-5, "first continuation");
                DecoderGoldenTest.assertClose(alone[1], tree.narrow(1, 3, 2), 1e-5, "second continuation");
                assertEquals(past + width, cache.length());
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> d.hidden(
                        d.embed(Tensors.fromLongs(new long[][] {{3}})), Tensors.fromLongs(new long[][] {{p}}),
                        Tensors.fromLongs(new long[keys], 1, 1, 1, keys).ne(new org.bytedeco.pytorch.Scalar(0L)), cache));
                assertTrue(e.getMessage().contains("do not fit a cache of 1 rows and " + keys + " positions"),
                        e.getMessage());
            }
        }
    }

    /** Query heads laid along the query axis of their key/value head: the attention over repeated keys, in float32. */
    @Test
    void groupedQueriesAlongTheQueryAxisEqualAttentionOverRepeatedKeys() {
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            torch.manual_seed(9);
            int group = 7;
            Tensor q = torch.randn(2, 14, 3, 16).to(ScalarType.BFloat16);                     // [B, nH, Q, D]
            Tensor k = torch.randn(2, 2, 11, 16).to(ScalarType.BFloat16);                     // [B, kvH, S, D]
            Tensor v = torch.randn(2, 2, 11, 16).to(ScalarType.BFloat16);
            Tensor firstKey = torch.arange(new org.bytedeco.pytorch.Scalar(11)).eq(new org.bytedeco.pytorch.Scalar(0))
                    .view(1, 1, 1, 11);
            Tensor readable = torch.rand(2, 1, 3, 11).gt(new org.bytedeco.pytorch.Scalar(0.3)).logical_or(firstKey);
            Tensor repeatedK = k.unsqueeze(2).expand(2, 2, group, 11, 16).reshape(2, 14, 11, 16);   // head h: h / g
            Tensor repeatedV = v.unsqueeze(2).expand(2, 2, group, 11, 16).reshape(2, 14, 11, 16);
            Tensor expected = dev.uqabench.nn.FusedAttention.attend(q, repeatedK, repeatedV, readable, 0.0, false,
                    ScalarType.Float);
            Tensor folded = Decoder.groupsAsQueries(q, k, v, readable, group);
            assertArrayEquals(Tensors.shape(expected), Tensors.shape(folded));
            assertArrayEquals(Tensors.toFloats(expected), Tensors.toFloats(folded), 1e-6f);
        }
    }

    @Test
    void bf16AttentionStaysWithinBf16ToleranceOfFloat32Attention() {
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            Path dir = tmp.resolve("bf16-attention");
            HfFolder.save(model(15), dir, TinyModels.tokenizer(), null, null, "<|im_end|>", DType.BF16);
            DecoderWeights weights = HfFolder.loadDecoder(dir, ComputeType.BF16).weights();
            Decoder floatAttention = new Decoder(weights, ScalarType.Float);
            Decoder bf16Attention = new Decoder(weights, ScalarType.BFloat16);
            // bf16 attention needs FusedAttention.BF16_MIN_QUERIES queries: a prompt of 72 tokens
            long[] row = new long[72];
            java.util.Random random = new java.util.Random(4);
            for (int t = 0; t < row.length; t++) row[t] = 1 + random.nextInt(19);
            Tensor ids = Tensors.fromLongs(new long[][] {row});
            double range = assertWithinBf16Tolerance(
                    Tensors.toFloats(floatAttention.forward(floatAttention.embed(ids), null)),
                    Tensors.toFloats(bf16Attention.forward(bf16Attention.embed(ids), null)), "bf16 vs float32 attention");
            // fewer queries: float32 attention in both, the same logits
            Tensor shortIds = Tensors.fromLongs(new long[][] {PROMPTS[1]});
            assertTrue(torch.equal(floatAttention.forward(floatAttention.embed(shortIds), null),
                    bf16Attention.forward(bf16Attention.embed(shortIds), null)), "9 queries attend in float32");
            // Cached decoding after a bf16-attention prompt pass: each step's logits as the whole-sequence pass's, to the
            // same tolerance.
            Tensor full = bf16Attention.forward(bf16Attention.embed(ids), null);
            try (KvCache cache = bf16Attention.newCache(1)) {
                int prompt = 66;
                bf16Attention.hidden(bf16Attention.embed(Tensors.fromLongs(new long[][] {java.util.Arrays.copyOf(row,
                        prompt)})), null, cache);
                for (int t = prompt; t < row.length; t++) {
                    Tensor step = bf16Attention.logits(bf16Attention.hidden(
                            bf16Attention.embed(Tensors.fromLongs(new long[][] {{row[t]}})), null, cache));
                    DecoderGoldenTest.assertClose(full.narrow(1, t, 1), step, 0.04 * range, "bf16 attention, step " + t);
                }
            }
        }
    }

    /**
     * With gradients recorded (a soft prompt that needs them, as in alignment), a bf16-attention decoder attends in
     * float32 (nn.FusedAttention: the bf16 backward pass is ~10x slower): its logits equal the float32-attention
     * decoder's exactly, and the soft prompt's gradients too; without gradients the two differ (the bf16 test above).
     */
    @Test
    void recordedAttentionRunsInFloat32WhateverTheDecodersAttentionType() {
        try (PointerScope scope = new PointerScope()) {
            Path dir = tmp.resolve("bf16-attention-recorded");
            HfFolder.save(model(15), dir, TinyModels.tokenizer(), null, null, "<|im_end|>", DType.BF16);
            DecoderWeights weights = HfFolder.loadDecoder(dir, ComputeType.BF16).weights();
            Tensor ids = Tensors.fromLongs(new long[][] {PROMPTS[1]});
            float[][] logits = new float[2][];
            float[][] grads = new float[2][];
            ScalarType[] types = {ScalarType.Float, ScalarType.BFloat16};
            for (int i = 0; i < 2; i++) {
                Decoder decoder = new Decoder(weights, types[i]);
                Tensor soft = torch.zeros(1, 2, 32).to(ScalarType.BFloat16).set_requires_grad(true);
                Tensor out = decoder.forward(torch.cat(new org.bytedeco.pytorch.TensorVector(soft, decoder.embed(ids)), 1),
                        null);
                logits[i] = Tensors.toFloats(out);
                out.select(1, out.size(1) - 1).select(1, 6).sum().backward();
                grads[i] = Tensors.toFloats(soft.grad().to(ScalarType.Float));
            }
            assertArrayEquals(logits[0], logits[1]);
            assertArrayEquals(grads[0], grads[1]);
        }
    }

    @Test
    void attentionRunsInBf16OnlyForABf16DecoderOnAnAmxCpu() {
        assertEquals(ScalarType.BFloat16, Decoder.attentionType(ScalarType.BFloat16, true));
        assertEquals(ScalarType.Float, Decoder.attentionType(ScalarType.BFloat16, false));
        assertEquals(ScalarType.Float, Decoder.attentionType(ScalarType.Float, true));
        assertEquals(ScalarType.Float, Decoder.attentionType(ScalarType.Float, false));
        try (PointerScope scope = new PointerScope()) {
            DecoderWeights fp32 = model(16).weights();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new Decoder(fp32, ScalarType.BFloat16));
            assertTrue(e.getMessage().contains("attention dtype"), e.getMessage());
        }
    }

    @Test
    void softPromptGetsGradientsWhileEveryWeightStaysFrozen() {
        try (PointerScope scope = new PointerScope()) {
            Decoder decoder = model(15);
            for (SoftPrompt.Placement placement : SoftPrompt.Placement.values()) {
                Tensor soft = Tensors.fromFloats(new float[3 * 32], 3, 32).set_requires_grad(true);
                long[] ids = {1, 4, 19, 17, 2, 1, 5};          // 19 is the placeholder for PLACEHOLDER
                Tensor embeds = SoftPrompt.splice(decoder, ids, soft, placement, 19).unsqueeze(0);
                long expectedLength = placement == SoftPrompt.Placement.START ? ids.length + 3 : ids.length + 2;
                assertEquals(expectedLength, embeds.size(1));
                Tensor logits = decoder.forward(embeds, null);
                logits.select(1, logits.size(1) - 1).select(1, 6).sum().backward();
                Tensor grad = soft.grad();
                assertTrue(grad.defined(), placement + ": soft prompt has a gradient");
                float[] g = Tensors.toFloats(grad);
                double norm = 0;
                for (float v : g) norm += v * v;
                assertTrue(norm > 0, placement + ": gradient is non-zero");
                for (Tensor w : decoder.stateDict().values()) {
                    assertFalse(w.requires_grad(), "weights stay frozen");
                    assertFalse(w.grad().defined(), "no gradient buffer on a frozen weight");
                }
            }
        }
    }

    @Test
    void sameSeedSameWeightsAndSamplingIsSeeded() {
        try (PointerScope scope = new PointerScope()) {
            assertArrayEquals(Tensors.toFloats(model(3).stateDict().get("model.layers.0.mlp.up_proj.weight")),
                    Tensors.toFloats(model(3).stateDict().get("model.layers.0.mlp.up_proj.weight")));
            Decoder decoder = model(16);
            List<long[]> prompts = new ArrayList<>(List.of(PROMPTS));
            Generation.Settings sampled = new Generation.Settings(6, 1.5, 0.9, 42, List.of());
            List<long[]> first = Generation.generate(decoder, prompts, sampled);
            List<long[]> second = Generation.generate(decoder, prompts, sampled);
            for (int b = 0; b < prompts.size(); b++) assertArrayEquals(first.get(b), second.get(b));
            List<long[]> other = Generation.generate(decoder, prompts, new Generation.Settings(6, 1.5, 0.9, 43, List.of()));
            boolean anyDiffers = false;
            for (int b = 0; b < prompts.size(); b++) anyDiffers |= !java.util.Arrays.equals(first.get(b), other.get(b));
            assertTrue(anyDiffers, "a different seed gives a different sample");
        }
    }

    @Test
    void generationStopsAtAStopTokenAndExcludesIt() {
        try (PointerScope scope = new PointerScope()) {
            Decoder decoder = model(17);
            long[] free = Generation.generate(decoder, List.of(PROMPTS[0]), Generation.Settings.greedy(6, List.of())).get(0);
            assertEquals(6, free.length);
            long stop = free[2];
            int firstStop = 0;
            while (free[firstStop] != stop) firstStop++;
            long[] stopped = Generation.generate(decoder, List.of(PROMPTS[0]), Generation.Settings.greedy(6, List.of(stop))).get(0);
            assertArrayEquals(java.util.Arrays.copyOf(free, firstStop), stopped);
        }
    }
}
