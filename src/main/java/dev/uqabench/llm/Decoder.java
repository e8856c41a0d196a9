package dev.uqabench.llm;

import dev.uqabench.nn.FusedAttention;
import dev.uqabench.tensor.CpuFeatures;
import dev.uqabench.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The forward pass of a Qwen2 / Llama decoder-only transformer (Hugging Face {@code Qwen2ForCausalLM} /
 * {@code LlamaForCausalLM}): pre-norm blocks of RMSNorm, grouped-query self-attention with rotate-half
 * RoPE, and a SwiGLU MLP, then a final RMSNorm and the (possibly tied) vocabulary head. It reads its
 * {@link DecoderWeights} (loaded once) and keeps no state of its own: incremental decoding keeps the
 * keys and values of past positions in a {@link KvCache}.
 *
 * <p>Inputs are embeddings, not ids, so a caller can put soft prompts anywhere in the sequence;
 * gradients reach them when every weight is frozen. Position ids are {@code cumsum(mask) - 1}, as
 * Hugging Face computes them, so left- and right-padded batches give each row's own result.
 */
public final class Decoder extends Module {
    private final DecoderWeights weights;
    private final DecoderConfig config;
    private final ScalarType attentionType;

    public Decoder(DecoderWeights weights) {
        this(weights, attentionType(weights.computeType(), CpuFeatures.amxBf16()));
    }

    /** A decoder whose attention runs in {@code attentionType} (float32, or the compute dtype). */
    Decoder(DecoderWeights weights, ScalarType attentionType) {
        if (attentionType != ScalarType.Float && attentionType != weights.computeType()) {
            throw new IllegalArgumentException("attention dtype " + attentionType + " must be float32 or the compute dtype "
                    + weights.computeType());
        }
        this.weights = weights;
        this.config = weights.config();
        this.attentionType = attentionType;
        // Registered as this module's parameters (for train/eval mode and libtorch's own listings);
        // libtorch forbids '.' in parameter names, the Hugging Face name stays the weights' key.
        weights.byName().forEach((name, w) -> register_parameter(name.replace('.', '_'), w, w.requires_grad()));
    }

    /** Every weight a checkpoint of {@code config} must hold, with its shape, in Hugging Face order. */
    public static Map<String, long[]> expectedShapes(DecoderConfig c) {
        return DecoderWeights.expectedShapes(c);
    }

    /** A trainable float32 decoder over {@link DecoderWeights#initialised} weights. Same seed, same weights. */
    public static Decoder create(DecoderConfig config, long seed) {
        return new Decoder(DecoderWeights.initialised(config, seed));
    }

    /**
     * A frozen decoder over already validated weights (names and shapes as {@link #expectedShapes});
     * weights not in {@code computeType} are converted. {@code retained} keeps memory mappings alive.
     */
    public static Decoder fromWeights(DecoderConfig config, Map<String, Tensor> weights, ScalarType computeType,
                                      List<Object> retained) {
        return new Decoder(DecoderWeights.of(config, weights, computeType, retained));
    }

    /**
     * The dtype attention runs in when autograd does not record it: a bf16 decoder's own dtype where the CPU has AMX
     * (libtorch's fused bf16 kernel runs on it, 3.5x faster than float32 at 512 tokens), float32 otherwise (the same
     * bf16 kernel without AMX, on an AVX-512-bf16 AMD Zen 4, was ~20x slower than float32). Both keep float32 softmax
     * statistics.
     */
    static ScalarType attentionType(ScalarType computeType, boolean amx) {
        return computeType == ScalarType.BFloat16 && amx ? ScalarType.BFloat16 : ScalarType.Float;
    }

    /**
     * The dtype this decoder's attention runs in without gradients ({@link #attentionType(ScalarType, boolean)}); with
     * them, or in bf16 over fewer than {@link FusedAttention#BF16_MIN_QUERIES} queries (decode steps, short passes over
     * a cache), float32 ({@link FusedAttention}).
     */
    public ScalarType attentionType() { return attentionType; }

    public DecoderWeights weights() { return weights; }

    public DecoderConfig config() { return config; }

    public ScalarType computeType() { return weights.computeType(); }

    /** Weights by Hugging Face name (the tied head is not repeated), for saving. */
    public Map<String, Tensor> stateDict() { return weights.byName(); }

    /** The trainable weights, for an optimizer. */
    public List<Tensor> trainableParameters() { return weights.trainable(); }

    /** Stops gradients to every weight and drops gradient buffers already allocated. */
    public void freeze() { weights.freeze(); }

    /** Number of parameters (the tied head counted once). */
    public long parameterCount() { return weights.parameterCount(); }

    /** The memory mappings this decoder's weights may point into (kept reachable by this reference). */
    List<Object> retained() { return weights.retained(); }

    /** Token embeddings: int64 [B, T] -> [B, T, hidden] in the compute dtype. */
    public Tensor embed(Tensor inputIds) {
        if (Tensors.scalarType(inputIds) != ScalarType.Long && Tensors.scalarType(inputIds) != ScalarType.Int) {
            throw new IllegalArgumentException("token ids must be int64, got " + Tensors.scalarType(inputIds));
        }
        if (inputIds.numel() > 0) {
            long min = inputIds.min().item_long(), max = inputIds.max().item_long();
            if (min < 0 || max >= config.vocabSize()) {
                throw new IllegalArgumentException("token id " + (min < 0 ? min : max) + " outside vocabulary [0, "
                        + config.vocabSize() + ")");
            }
        }
        return torch.embedding(weights.embedTokens(), inputIds);
    }

    /** Logits of a whole sequence: [B, T, hidden] (+ mask [B, T], null = all real) -> float32 [B, T, vocab]. */
    public Tensor forward(Tensor inputsEmbeds, Tensor attentionMask) {
        return logits(hidden(inputsEmbeds, attentionMask, null));
    }

    /** Final normalised hidden states [B, T, hidden] of a whole sequence (no cache). */
    public Tensor hidden(Tensor inputsEmbeds, Tensor attentionMask) {
        return hidden(inputsEmbeds, attentionMask, null);
    }

    /** The vocabulary head: [..., hidden] -> float32 [..., vocab]. */
    public Tensor logits(Tensor hidden) {
        return linear(hidden, weights.lmHead(), null).to(ScalarType.Float);
    }

    /** An empty cache for {@code batch} rows, to be filled by {@link #hidden(Tensor, Tensor, KvCache)}. */
    public KvCache newCache(long batch) {
        return new KvCache(config.numberOfLayers(), batch);
    }

    /**
     * Final normalised hidden states of new positions [B, Tnew, hidden]. With a cache, the new positions
     * attend to every cached real position and the cache grows by Tnew; {@code newMask} covers only the
     * new positions (null = all real).
     */
    public Tensor hidden(Tensor inputsEmbeds, Tensor newMask, KvCache cache) {
        return hidden(inputsEmbeds, newMask, cache, null);
    }

    /**
     * Final normalised hidden state of each row's last position [B, hidden], the cache (when given) grown by every new
     * position as {@link #hidden(Tensor, Tensor, KvCache)} grows it: a prompt pass that only predicts the next token.
     * As in {@link #hiddenAt}, the last block computes its keys and values at every position and the rest at the last
     * one only. Rows must end on a real token (left padding), as a prompt to be continued does.
     */
    public Tensor lastHidden(Tensor inputsEmbeds, Tensor newMask, KvCache cache) {
        if (inputsEmbeds.dim() != 3 || inputsEmbeds.size(1) < 2) {    // a decode step, or input that hidden refuses
            return hidden(inputsEmbeds, newMask, cache).select(1, inputsEmbeds.size(1) - 1);
        }
        long batch = inputsEmbeds.size(0), last = inputsEmbeds.size(1) - 1;
        Tensor rows = torch.full(new long[] {batch, 1}, new Scalar(last), Tensors.options(ScalarType.Long));
        return hidden(inputsEmbeds, newMask, cache, rows).squeeze(1);
    }

    /** {@link #hidden(Tensor, Tensor, KvCache)}, or its states at {@code rowIndex} (int64 [B, R]) only when given. */
    private Tensor hidden(Tensor inputsEmbeds, Tensor newMask, KvCache cache, Tensor rowIndex) {
        if (inputsEmbeds.dim() != 3 || inputsEmbeds.size(2) != config.hiddenSize()) {
            throw new IllegalArgumentException("embeddings must be [batch, time, " + config.hiddenSize() + "], got "
                    + Arrays.toString(Tensors.shape(inputsEmbeds)));
        }
        long batch = inputsEmbeds.size(0), time = inputsEmbeds.size(1);
        if (newMask == null) newMask = torch.ones(new long[] {batch, time}, Tensors.options(ScalarType.Long));
        if (newMask.dim() != 2 || newMask.size(0) != batch || newMask.size(1) != time) {
            throw new IllegalArgumentException("attention mask must be [" + batch + ", " + time + "], got "
                    + Arrays.toString(Tensors.shape(newMask)));
        }
        if (cache != null && cache.batch() != batch) {
            throw new IllegalArgumentException("cache holds " + cache.batch() + " rows, input has " + batch);
        }
        if (rowIndex != null) requireRows(rowIndex, batch, time);
        long past = cache == null ? 0 : cache.length();
        Tensor fullMask = cache == null ? newMask.to(ScalarType.Long)
                : torch.cat(new TensorVector(cache.mask(), newMask.to(ScalarType.Long)), 1);   // [B, past + T]
        // Positions count real tokens only, so padding never shifts a row's positions.
        Tensor positions = torch.cumsum(fullMask, 1).sub(new Scalar(1L)).clamp_min(new Scalar(0L))
                .narrow(1, past, time);                                                          // [B, T]
        // Without a cache and with right padding, causal masking alone keeps every real query off the padding
        // (it comes after them): the fused kernel then skips the blocks above the diagonal and needs no mask.
        // Padding queries read earlier padding instead of only themselves; their outputs are never used.
        Tensor allowed = cache == null && rightPadded(fullMask) ? null
                : attentionMask(fullMask, past, time);                                          // [B, 1, T, past + T]
        return layers(inputsEmbeds, positions, allowed, cache, newMask,
                rowIndex == null ? null : OutputRows.of(rowIndex, fullMask, past));
    }

    /**
     * Final normalised hidden states of new positions [B, T, hidden] whose position ids [B, T] and readable keys
     * (boolean [B, 1, T, past + T], the cache's keys first) the caller gives: several continuations of one cached
     * prompt can then run in one row, each reading the prompt and its own earlier tokens (a tree of continuations,
     * {@link OptionScorer}). Every query must be allowed at least one key. The cache grows by T positions, marked real.
     */
    public Tensor hidden(Tensor inputsEmbeds, Tensor positions, Tensor allowed, KvCache cache) {
        long batch = inputsEmbeds.size(0), time = inputsEmbeds.size(1);
        long past = cache.length();
        if (inputsEmbeds.dim() != 3 || inputsEmbeds.size(2) != config.hiddenSize() || cache.batch() != batch
                || positions.dim() != 2 || positions.size(0) != batch || positions.size(1) != time
                || allowed.dim() != 4 || allowed.size(0) != batch || allowed.size(2) != time
                || allowed.size(3) != past + time) {
            throw new IllegalArgumentException("embeddings " + Arrays.toString(Tensors.shape(inputsEmbeds))
                    + ", positions " + Arrays.toString(Tensors.shape(positions)) + " and allowed keys "
                    + Arrays.toString(Tensors.shape(allowed)) + " do not fit a cache of " + cache.batch() + " rows and "
                    + past + " positions");
        }
        return layers(inputsEmbeds, positions, allowed, cache,
                torch.ones(new long[] {batch, time}, Tensors.options(ScalarType.Long)), null);
    }

    /**
     * Final normalised hidden states of a whole sequence (no cache) at the positions {@code rows} only (int64 [B, R]:
     * indices into each row's sequence, repeats allowed): [B, R, hidden], what {@link #hidden(Tensor, Tensor)} gives
     * at those positions, up to the order of float sums. Every block but the last runs at every position; the last one
     * computes its keys and values at every position and its queries, attention output and MLP at {@code rows} only
     * (nothing after it reads the others). For a loss on a few positions, such as the answer tokens of an alignment
     * batch, that is most of the last block's work, forward and backward.
     */
    public Tensor hiddenAt(Tensor inputsEmbeds, Tensor attentionMask, Tensor rows) {
        return hidden(inputsEmbeds, attentionMask, null, rows);
    }

    private static void requireRows(Tensor rows, long batch, long time) {
        if (rows.dim() != 2 || rows.size(0) != batch || rows.size(1) < 1
                || Tensors.scalarType(rows) != ScalarType.Long) {
            throw new IllegalArgumentException("rows must be int64 [" + batch + ", R >= 1], got "
                    + Tensors.scalarType(rows) + " " + Arrays.toString(Tensors.shape(rows)));
        }
        long min = rows.min().item_long(), max = rows.max().item_long();
        if (min < 0 || max >= time) {
            throw new IllegalArgumentException("row index " + (min < 0 ? min : max) + " outside the sequence [0, "
                    + time + ")");
        }
    }

    /**
     * The new positions the last block computes its output at ({@link #hiddenAt}, {@link #lastHidden}), and the keys
     * (cached ones first) each may read.
     */
    private record OutputRows(Tensor index, Tensor allowed) {
        /**
         * Key s is readable from new position r (absolute {@code past + r}) when s <= past + r and s is real, or
         * s == past + r (as {@link #attentionMask}); {@code mask} covers the cached and the new positions.
         */
        static OutputRows of(Tensor index, Tensor mask, long past) {
            return new OutputRows(index, readable(index, mask, past));
        }

        private static Tensor readable(Tensor index, Tensor mask, long past) {
            Tensor query = index.add(new Scalar(past)).unsqueeze(2);                                    // [B, R, 1]
            Tensor key = torch.arange(new Scalar(0L), new Scalar(mask.size(1)), Tensors.options(ScalarType.Long))
                    .view(1, 1, -1);                                                                    // [1, 1, S]
            Tensor realKey = mask.ne(new Scalar(0L)).unsqueeze(1);                                      // [B, 1, S]
            return key.le(query).logical_and(realKey).logical_or(key.eq(query)).unsqueeze(1);          // [B, 1, R, S]
        }

        /** x [B, T, ...] at the rows: [B, R, ...]. */
        Tensor gather(Tensor x, int dim) {
            long[] shape = Tensors.shape(x);
            long[] indexShape = shape.clone();
            indexShape[dim] = index.size(1);
            long[] view = new long[shape.length];
            Arrays.fill(view, 1);
            view[0] = index.size(0);
            view[dim] = index.size(1);
            return x.gather(dim, index.view(view).expand(indexShape));
        }
    }

    private Tensor layers(Tensor inputsEmbeds, Tensor positions, Tensor allowed, KvCache cache, Tensor newMask,
                          OutputRows rows) {
        Tensor[] cosSin = Rope.cosSin(weights.inverseFrequencies(), positions, computeType());   // [B, 1, T, D]
        Tensor x = inputsEmbeds.to(computeType());                                               // [B, T, H]
        int last = config.numberOfLayers() - 1;
        for (int i = 0; i <= last; i++) {
            // A scope per block frees its intermediates as soon as the block is done (a caller's scope
            // would otherwise hold all 24 layers' activations: 2.5 MB per token measured at 0.5B size).
            // Autograd keeps what it saved through its own references, so backward is unaffected.
            Tensor next;
            try (PointerScope blockScope = new PointerScope()) {
                next = Tensors.keep(block(i, x, cosSin, allowed, cache, i == last ? rows : null));
            }
            x.close();
            x = next;
        }
        if (cache != null) cache.appendMask(newMask);
        Tensor normed = rmsNorm(x, weights.finalNorm());                                         // [B, T or R, H]
        x.close();
        return normed;
    }

    /**
     * One pre-norm block. With {@code rows} (the last block of {@link #hiddenAt} and {@link #lastHidden}) its output is
     * needed at those positions only: keys and values run at every position, queries, attention output and MLP at the
     * rows, and it returns [B, R, H]; otherwise every position, [B, T, H].
     */
    private Tensor block(int index, Tensor x, Tensor[] cosSin, Tensor allowed, KvCache cache, OutputRows rows) {
        DecoderWeights.Layer l = weights.layer(index);
        long batch = x.size(0), time = x.size(1), queries = rows == null ? time : rows.index().size(1);
        int heads = config.numberOfHeads(), kvHeads = config.numberOfKeyValueHeads(), d = config.headDim();

        // Self-attention on the normalised input, added back to the residual stream.
        Tensor h = rmsNorm(x, l.inputNorm());                                                       // [B, T, H]
        Tensor hq = rows == null ? h : rows.gather(h, 1);                                           // [B, Q, H]
        Tensor q = linear(hq, l.wq(), l.bq()).view(batch, queries, heads, d).transpose(1, 2);       // [B, nH, Q, D]
        Tensor k = linear(h, l.wk(), l.bk()).view(batch, time, kvHeads, d).transpose(1, 2);         // [B, kvH, T, D]
        Tensor v = linear(h, l.wv(), l.bv()).view(batch, time, kvHeads, d).transpose(1, 2);         // [B, kvH, T, D]
        q = rows == null ? Rope.apply(q, cosSin[0], cosSin[1])
                : Rope.apply(q, rows.gather(cosSin[0], 2), rows.gather(cosSin[1], 2));
        k = Rope.apply(k, cosSin[0], cosSin[1]);
        if (cache != null) {
            Tensor[] kv = cache.append(index, k, v);                                                // [B, kvH, past+T, D]
            k = kv[0];
            v = kv[1];
        }
        // Attention runs in attentionType: float32 unless the CPU runs libtorch's bf16 kernel fast (AMX); the fused
        // kernel keeps float32 softmax statistics either way, as Hugging Face's eager path does.
        // Grouped-query attention: query head h reads key/value head h / (heads / kvHeads). The keys are repeated
        // rather than left to the kernel (enable_gqa): at the 0.5B shape its prefill of 512 tokens ran 71 tokens/s
        // against 83 with repeated keys (bench/perf/README.md).
        Tensor readable = rows == null ? allowed : rows.allowed();
        Tensor attended;
        if (foldsGroups(q, k, v, readable)) {
            attended = groupsAsQueries(q, k, v, readable, config.kvGroupSize());                  // [B, nH, Q, D]
        } else {
            k = repeatKv(k, config.kvGroupSize());                                                 // [B, nH, S, D]
            v = repeatKv(v, config.kvGroupSize());
            // in attentionType, or float32 when autograd records it (FusedAttention), never in autocast's choice
            attended = FusedAttention.attend(q, k, v, readable, 0.0, readable == null, attentionType);
        }
        attended = attended.to(computeType());                                                     // [B, nH, Q, D]
        attended = attended.transpose(1, 2).reshape(batch, queries, (long) heads * d);             // [B, Q, nH*D]
        x = (rows == null ? x : rows.gather(x, 1)).add(linear(attended, l.wo(), l.bo()));          // [B, Q, H]

        // SwiGLU MLP: down(silu(gate(h)) * up(h)).
        h = rmsNorm(x, l.postAttentionNorm());
        Tensor gated = torch.silu(linear(h, l.wGate(), null)).mul(linear(h, l.wUp(), null));        // [B, Q, F]
        return x.add(linear(gated, l.wDown(), null));                                               // [B, Q, H]
    }

    /** May position q (absolute past + q) read key s? Causal, real keys only, and always itself. */
    private static Tensor attentionMask(Tensor fullMask, long past, long time) {
        long total = fullMask.size(1);
        Tensor query = torch.arange(new Scalar(past), new Scalar(past + time), Tensors.options(ScalarType.Long))
                .unsqueeze(1);                                                                      // [T, 1]
        Tensor key = torch.arange(new Scalar(0L), new Scalar(total), Tensors.options(ScalarType.Long))
                .unsqueeze(0);                                                                      // [1, S]
        Tensor causal = key.le(query);                                                              // [T, S]
        Tensor realKey = fullMask.ne(new Scalar(0L)).unsqueeze(1).unsqueeze(1);                     // [B, 1, 1, S]
        // A padding query would otherwise see no key at all and produce NaN; its output is never used.
        Tensor self = key.eq(query);
        return causal.logical_and(realKey).logical_or(self);                                        // [B, 1, T, S]
    }

    /**
     * Does this call attend in float32 over bf16 keys and values without gradients, under a mask (decode steps and
     * other passes of fewer than {@link FusedAttention#BF16_MIN_QUERIES} queries over a cache, in a bf16 decoder)? Then
     * the repeated keys and values would be copied once to repeat them and once more to cast them, seven times the
     * 0.5B model's two key/value heads, at every layer of every step: {@link #groupsAsQueries} casts the two.
     */
    private boolean foldsGroups(Tensor q, Tensor k, Tensor v, Tensor readable) {
        return config.kvGroupSize() > 1 && readable != null && computeType() == ScalarType.BFloat16
                && !FusedAttention.recordedFused(q, k, v, 0.0)
                && FusedAttention.dtype(false, attentionType, q.size(2)) == ScalarType.Float;
    }

    /**
     * Grouped-query attention with each key/value head's query heads laid along the query axis: q [B, nH, Q, D] as
     * [B, kvH, g Q, D] (query head kv g + j, position t at row j Q + t), the mask tiled to match, the keys and values
     * [B, kvH, S, D] read as they are; in float32. The same products as over repeated keys, without the repeat.
     */
    static Tensor groupsAsQueries(Tensor q, Tensor k, Tensor v, Tensor readable, int group) {
        long batch = q.size(0), queries = q.size(2), d = q.size(3), kvHeads = k.size(1);
        Tensor folded = q.reshape(batch, kvHeads, group * queries, d);                            // [B, kvH, g Q, D]
        Tensor mask = readable.repeat(1, 1, group, 1);                                            // [B, 1, g Q, S]
        return FusedAttention.attend(folded, k, v, mask, 0.0, false, ScalarType.Float)
                .reshape(batch, kvHeads * group, queries, d);                                     // [B, nH, Q, D]
    }

    private static Tensor repeatKv(Tensor kv, int groupSize) {
        if (groupSize == 1) return kv;
        long b = kv.size(0), kvHeads = kv.size(1), s = kv.size(2), d = kv.size(3);
        return kv.unsqueeze(2).expand(b, kvHeads, groupSize, s, d).reshape(b, kvHeads * groupSize, s, d);
    }

    /** Is every row's mask a run of ones followed by zeros only (right padding)? */
    private static boolean rightPadded(Tensor mask) {
        if (mask.size(1) < 2) return true;
        long t = mask.size(1);
        return mask.narrow(1, 1, t - 1).le(mask.narrow(1, 0, t - 1)).all().item_bool();
    }

    /**
     * RMSNorm computed in float32, as Hugging Face does, then scaled in the compute dtype: libtorch's fused
     * {@code rms_norm} upcasts, normalises and casts back before the weight exactly so.
     */
    private Tensor rmsNorm(Tensor x, Tensor weight) {
        return torch.rms_norm(x, new long[] {x.size(-1)}, new TensorOptional(weight), new DoubleOptional(config.rmsNormEps()));
    }

    /**
     * x W^T + b. A single float32 row (a decode step of one sequence) goes through the matrix-vector product: OpenBLAS's
     * sgemv streams the weight at 11-16 GB/s where its sgemm with one row reached 4-6 (0.5B shape, bench/perf/README.md).
     */
    private static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        long in = x.size(-1);
        if (x.numel() == in && Tensors.scalarType(x) == ScalarType.Float && Tensors.scalarType(weight) == ScalarType.Float) {
            long[] shape = Tensors.shape(x);
            shape[shape.length - 1] = weight.size(0);
            Tensor row = x.reshape(in);
            return (bias == null ? torch.mv(weight, row) : torch.addmv(bias, weight, row)).view(shape);
        }
        return bias == null ? torch.linear(x, weight) : torch.linear(x, weight, new TensorOptional(bias));
    }
}
