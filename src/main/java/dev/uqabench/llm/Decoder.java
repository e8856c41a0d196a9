package dev.uqabench.llm;

import dev.uqabench.base.UqaException;
import dev.uqabench.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Qwen2 / Llama decoder-only transformer (Hugging Face {@code Qwen2ForCausalLM} /
 * {@code LlamaForCausalLM}): pre-norm blocks of RMSNorm, grouped-query self-attention with rotate-half
 * RoPE, and a SwiGLU MLP, then a final RMSNorm and the (possibly tied) vocabulary head.
 *
 * <p>Inputs are embeddings, not ids, so a caller can put soft prompts anywhere in the sequence;
 * gradients reach them when every weight is frozen. Position ids are {@code cumsum(mask) - 1}, as
 * Hugging Face computes them, so left- and right-padded batches give each row's own result.
 */
public final class Decoder extends Module {
    private final DecoderConfig config;
    private final ScalarType computeType;
    private final Map<String, Tensor> weights;       // Hugging Face name -> weight, in checkpoint order
    private final Tensor embedTokens;                 // [vocab, hidden]
    private final Layer[] layers;
    private final Tensor finalNorm;                   // [hidden]
    private final Tensor lmHead;                      // [vocab, hidden]; embedTokens when tied
    private final Tensor inverseFrequencies;          // float32 [headDim / 2]
    private final List<Object> retained;              // memory mappings the weights point into

    /** One transformer block's weights (Hugging Face names under {@code model.layers.N.}). */
    private record Layer(
            Tensor inputNorm,            // [hidden]
            Tensor wq, Tensor bq,        // [heads * headDim, hidden], [heads * headDim] or null
            Tensor wk, Tensor bk,        // [kvHeads * headDim, hidden], [kvHeads * headDim] or null
            Tensor wv, Tensor bv,        // [kvHeads * headDim, hidden], [kvHeads * headDim] or null
            Tensor wo, Tensor bo,        // [hidden, heads * headDim], [hidden] or null
            Tensor postAttentionNorm,    // [hidden]
            Tensor wGate, Tensor wUp,    // [intermediate, hidden]
            Tensor wDown) {}             // [hidden, intermediate]

    private Decoder(DecoderConfig config, Map<String, Tensor> weights, ScalarType computeType,
                    boolean trainable, List<Object> retained) {
        this.config = config;
        this.computeType = computeType;
        this.weights = new LinkedHashMap<>();
        boolean aliasesStorage = false;
        for (Map.Entry<String, Tensor> e : weights.entrySet()) {
            aliasesStorage |= Tensors.scalarType(e.getValue()) == computeType;
            Tensor w = Tensors.keep(e.getValue().to(computeType));
            // libtorch forbids '.' in parameter names; the Hugging Face name stays the map key. The
            // returned reference points into the module's growing table, so keep our own handle.
            register_parameter(e.getKey().replace('.', '_'), w, trainable);
            this.weights.put(e.getKey(), w);
        }
        // Converted weights own their memory; only weights used in place need the file mappings kept.
        this.retained = aliasesStorage ? List.copyOf(retained) : List.of();
        this.embedTokens = this.weights.get("model.embed_tokens.weight");
        this.finalNorm = this.weights.get("model.norm.weight");
        this.lmHead = config.tieWordEmbeddings() ? embedTokens : this.weights.get("lm_head.weight");
        this.layers = new Layer[config.numberOfLayers()];
        for (int i = 0; i < layers.length; i++) {
            String p = "model.layers." + i + ".";
            layers[i] = new Layer(w(p + "input_layernorm.weight"),
                    w(p + "self_attn.q_proj.weight"), this.weights.get(p + "self_attn.q_proj.bias"),
                    w(p + "self_attn.k_proj.weight"), this.weights.get(p + "self_attn.k_proj.bias"),
                    w(p + "self_attn.v_proj.weight"), this.weights.get(p + "self_attn.v_proj.bias"),
                    w(p + "self_attn.o_proj.weight"), this.weights.get(p + "self_attn.o_proj.bias"),
                    w(p + "post_attention_layernorm.weight"),
                    w(p + "mlp.gate_proj.weight"), w(p + "mlp.up_proj.weight"), w(p + "mlp.down_proj.weight"));
        }
        this.inverseFrequencies = Tensors.keep(Rope.inverseFrequencies(config));
    }

    private Tensor w(String name) {
        Tensor t = weights.get(name);
        if (t == null) throw new UqaException("missing tensor '" + name + "'");
        return t;
    }

    /** Every weight a checkpoint of {@code config} must hold, with its shape, in Hugging Face order. */
    public static Map<String, long[]> expectedShapes(DecoderConfig c) {
        long h = c.hiddenSize(), q = (long) c.numberOfHeads() * c.headDim(), kv = (long) c.numberOfKeyValueHeads() * c.headDim();
        long ffn = c.intermediateSize(), v = c.vocabSize();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put("model.embed_tokens.weight", new long[] {v, h});
        for (int i = 0; i < c.numberOfLayers(); i++) {
            String p = "model.layers." + i + ".";
            shapes.put(p + "input_layernorm.weight", new long[] {h});
            shapes.put(p + "self_attn.q_proj.weight", new long[] {q, h});
            shapes.put(p + "self_attn.k_proj.weight", new long[] {kv, h});
            shapes.put(p + "self_attn.v_proj.weight", new long[] {kv, h});
            if (c.qkvBias()) {
                shapes.put(p + "self_attn.q_proj.bias", new long[] {q});
                shapes.put(p + "self_attn.k_proj.bias", new long[] {kv});
                shapes.put(p + "self_attn.v_proj.bias", new long[] {kv});
            }
            shapes.put(p + "self_attn.o_proj.weight", new long[] {h, q});
            if (c.outputBias()) shapes.put(p + "self_attn.o_proj.bias", new long[] {h});
            shapes.put(p + "post_attention_layernorm.weight", new long[] {h});
            shapes.put(p + "mlp.gate_proj.weight", new long[] {ffn, h});
            shapes.put(p + "mlp.up_proj.weight", new long[] {ffn, h});
            shapes.put(p + "mlp.down_proj.weight", new long[] {h, ffn});
        }
        shapes.put("model.norm.weight", new long[] {h});
        if (!c.tieWordEmbeddings()) shapes.put("lm_head.weight", new long[] {v, h});
        return shapes;
    }

    /**
     * A trainable float32 decoder with Hugging Face's initialisation: linear and embedding weights from
     * N(0, initializer_range), biases zero, norm scales one. Same seed, same weights.
     */
    public static Decoder create(DecoderConfig config, long seed) {
        Generator generator = torch.make_generator_cpu(seed);
        Map<String, Tensor> weights = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : expectedShapes(config).entrySet()) {
            String name = e.getKey();
            long[] shape = e.getValue();
            Tensor t;
            if (name.endsWith("layernorm.weight") || name.equals("model.norm.weight")) {
                t = torch.ones(shape, Tensors.options(ScalarType.Float));
            } else if (name.endsWith(".bias")) {
                t = torch.zeros(shape, Tensors.options(ScalarType.Float));
            } else {
                t = torch.normal(0.0, config.initializerRange(), shape, new GeneratorOptional(generator),
                        Tensors.options(ScalarType.Float));
            }
            weights.put(name, t);
        }
        return new Decoder(config, weights, ScalarType.Float, true, List.of());
    }

    /**
     * A frozen decoder over already validated weights (names and shapes as {@link #expectedShapes});
     * weights not in {@code computeType} are converted. {@code retained} keeps memory mappings alive.
     */
    public static Decoder fromWeights(DecoderConfig config, Map<String, Tensor> weights, ScalarType computeType,
                                      List<Object> retained) {
        Map<String, long[]> expected = expectedShapes(config);
        Map<String, Tensor> ordered = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            Tensor t = weights.get(e.getKey());
            if (t == null) throw new UqaException("missing tensor '" + e.getKey() + "'");
            if (!Arrays.equals(Tensors.shape(t), e.getValue())) {
                throw new UqaException("tensor '" + e.getKey() + "' has shape " + Arrays.toString(Tensors.shape(t))
                        + ", expected " + Arrays.toString(e.getValue()));
            }
            ordered.put(e.getKey(), t);
        }
        if (computeType != ScalarType.Float && computeType != ScalarType.BFloat16) {
            throw new UqaException("compute dtype " + computeType + " is not supported (float32 or bfloat16)");
        }
        return new Decoder(config, ordered, computeType, false, retained);
    }

    public DecoderConfig config() { return config; }

    public ScalarType computeType() { return computeType; }

    /** Weights by Hugging Face name (the tied head is not repeated), for saving. */
    public Map<String, Tensor> stateDict() { return Collections.unmodifiableMap(weights); }

    /** The trainable weights, for an optimizer. */
    public List<Tensor> trainableParameters() {
        List<Tensor> out = new ArrayList<>();
        for (Tensor t : weights.values()) if (t.requires_grad()) out.add(t);
        return out;
    }

    /** Stops gradients to every weight and drops gradient buffers already allocated. */
    public void freeze() {
        for (Tensor t : weights.values()) {
            t.set_requires_grad(false);
            Tensor grad = t.mutable_grad();
            if (grad.defined()) grad.reset();
        }
    }

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
        return torch.embedding(embedTokens, inputIds);
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
        return torch.linear(hidden, lmHead).to(ScalarType.Float);
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
        long past = cache == null ? 0 : cache.length();
        Tensor fullMask = cache == null ? newMask.to(ScalarType.Long)
                : torch.cat(new TensorVector(cache.mask(), newMask.to(ScalarType.Long)), 1);   // [B, past + T]
        // Positions count real tokens only, so padding never shifts a row's positions.
        Tensor positions = torch.cumsum(fullMask, 1).sub(new Scalar(1L)).clamp_min(new Scalar(0L))
                .narrow(1, past, time);                                                          // [B, T]
        Tensor[] cosSin = Rope.cosSin(inverseFrequencies, positions, computeType);               // [B, 1, T, D]
        Tensor allowed = attentionMask(fullMask, past, time);                                    // [B, 1, T, past + T]

        Tensor x = inputsEmbeds.to(computeType);                                                 // [B, T, H]
        for (int i = 0; i < layers.length; i++) {
            // A scope per block frees its intermediates as soon as the block is done (a caller's scope
            // would otherwise hold all 24 layers' activations: 2.5 MB per token measured at 0.5B size).
            // Autograd keeps what it saved through its own references, so backward is unaffected.
            Tensor next;
            try (PointerScope blockScope = new PointerScope()) {
                next = Tensors.keep(block(i, x, cosSin, allowed, cache));
            }
            x.close();
            x = next;
        }
        if (cache != null) cache.appendMask(newMask);
        Tensor normed = rmsNorm(x, finalNorm);                                                   // [B, T, H]
        x.close();
        return normed;
    }

    private Tensor block(int index, Tensor x, Tensor[] cosSin, Tensor allowed, KvCache cache) {
        Layer l = layers[index];
        long batch = x.size(0), time = x.size(1);
        int heads = config.numberOfHeads(), kvHeads = config.numberOfKeyValueHeads(), d = config.headDim();

        // Self-attention on the normalised input, added back to the residual stream.
        Tensor h = rmsNorm(x, l.inputNorm());                                                       // [B, T, H]
        Tensor q = linear(h, l.wq(), l.bq()).view(batch, time, heads, d).transpose(1, 2);           // [B, nH, T, D]
        Tensor k = linear(h, l.wk(), l.bk()).view(batch, time, kvHeads, d).transpose(1, 2);         // [B, kvH, T, D]
        Tensor v = linear(h, l.wv(), l.bv()).view(batch, time, kvHeads, d).transpose(1, 2);         // [B, kvH, T, D]
        q = Rope.apply(q, cosSin[0], cosSin[1]);
        k = Rope.apply(k, cosSin[0], cosSin[1]);
        if (cache != null) {
            Tensor[] kv = cache.append(index, k, v);                                                // [B, kvH, past+T, D]
            k = kv[0];
            v = kv[1];
        }
        // Grouped-query attention: query head h reads key/value head h / (heads / kvHeads).
        k = repeatKv(k, config.kvGroupSize());                                                     // [B, nH, S, D]
        v = repeatKv(v, config.kvGroupSize());
        // Attention itself runs in float32: libtorch's CPU bf16 kernel is ~20x slower at 512 tokens, and
        // float32 softmax statistics are what Hugging Face's eager path keeps anyway.
        Tensor attended = torch.scaled_dot_product_attention(q.to(ScalarType.Float), k.to(ScalarType.Float),
                v.to(ScalarType.Float), new TensorOptional(allowed), 0.0, false, new DoubleOptional(), false)
                .to(computeType);                                                                   // [B, nH, T, D]
        attended = attended.transpose(1, 2).reshape(batch, time, (long) heads * d);                // [B, T, nH*D]
        x = x.add(linear(attended, l.wo(), l.bo()));

        // SwiGLU MLP: down(silu(gate(h)) * up(h)).
        h = rmsNorm(x, l.postAttentionNorm());
        Tensor gated = torch.silu(torch.linear(h, l.wGate())).mul(torch.linear(h, l.wUp()));        // [B, T, F]
        return x.add(torch.linear(gated, l.wDown()));                                               // [B, T, H]
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

    private static Tensor repeatKv(Tensor kv, int groupSize) {
        if (groupSize == 1) return kv;
        long b = kv.size(0), kvHeads = kv.size(1), s = kv.size(2), d = kv.size(3);
        return kv.unsqueeze(2).expand(b, kvHeads, groupSize, s, d).reshape(b, kvHeads * groupSize, s, d);
    }

    /** RMSNorm computed in float32, as Hugging Face does, then scaled in the compute dtype. */
    private Tensor rmsNorm(Tensor x, Tensor weight) {
        Tensor x32 = x.to(ScalarType.Float);
        Tensor variance = x32.pow(new Scalar(2.0)).mean(new long[] {-1}, true, new org.bytedeco.pytorch.ScalarTypeOptional());
        Tensor normed = x32.mul(variance.add(new Scalar(config.rmsNormEps())).rsqrt());
        return weight.mul(normed.to(computeType));
    }

    private static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        return bias == null ? torch.linear(x, weight) : torch.linear(x, weight, new TensorOptional(bias));
    }

    /** Number of parameters (the tied head counted once). */
    public long parameterCount() {
        long n = 0;
        for (Tensor t : weights.values()) n += t.numel();
        return n;
    }

    /** The memory mappings this decoder's weights may point into (kept reachable by this reference). */
    List<Object> retained() { return retained; }
}
