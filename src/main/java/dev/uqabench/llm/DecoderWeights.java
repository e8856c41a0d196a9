package dev.uqabench.llm;

import dev.uqabench.base.UqaException;
import dev.uqabench.tensor.Tensors;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The weights of a Qwen2 / Llama decoder ({@link DecoderConfig} gives their shapes), made once — read
 * from a checkpoint or initialised from a seed — and then only read by the forward pass
 * ({@link Decoder}), whose per-sequence state is a {@link KvCache}: llama3.java's split into
 * Configuration, Weights and State. Weights are held in the compute dtype; a frozen set may point
 * into the memory-mapped checkpoint files it keeps reachable ({@link #retained()}).
 */
public final class DecoderWeights {

    /** One transformer block's weights (Hugging Face names under {@code model.layers.N.}). */
    record Layer(
            Tensor inputNorm,            // [hidden]
            Tensor wq, Tensor bq,        // [heads * headDim, hidden], [heads * headDim] or null
            Tensor wk, Tensor bk,        // [kvHeads * headDim, hidden], [kvHeads * headDim] or null
            Tensor wv, Tensor bv,        // [kvHeads * headDim, hidden], [kvHeads * headDim] or null
            Tensor wo, Tensor bo,        // [hidden, heads * headDim], [hidden] or null
            Tensor postAttentionNorm,    // [hidden]
            Tensor wGate, Tensor wUp,    // [intermediate, hidden]
            Tensor wDown) {}             // [hidden, intermediate]

    private final DecoderConfig config;
    private final ScalarType computeType;
    private final Map<String, Tensor> byName;        // Hugging Face name -> weight, in checkpoint order
    private final Tensor embedTokens;                 // [vocab, hidden]
    private final Layer[] layers;                     // (layer)
    private final Tensor finalNorm;                   // [hidden]
    private final Tensor lmHead;                      // [vocab, hidden]; embedTokens when tied
    private final Tensor inverseFrequencies;          // float32 [headDim / 2], RoPE's
    private final List<Object> retained;              // memory mappings the weights point into

    private DecoderWeights(DecoderConfig config, Map<String, Tensor> weights, ScalarType computeType,
                           boolean trainable, List<Object> retained) {
        this.config = config;
        this.computeType = computeType;
        this.byName = new LinkedHashMap<>();
        boolean aliasesStorage = false;
        for (Map.Entry<String, Tensor> e : weights.entrySet()) {
            aliasesStorage |= Tensors.scalarType(e.getValue()) == computeType;
            Tensor w = Tensors.keep(e.getValue().to(computeType));
            w.set_requires_grad(trainable);
            this.byName.put(e.getKey(), w);
        }
        // Converted weights own their memory; only weights used in place need the file mappings kept.
        this.retained = aliasesStorage ? List.copyOf(retained) : List.of();
        this.embedTokens = this.byName.get("model.embed_tokens.weight");
        this.finalNorm = this.byName.get("model.norm.weight");
        this.lmHead = config.tieWordEmbeddings() ? embedTokens : this.byName.get("lm_head.weight");
        this.layers = new Layer[config.numberOfLayers()];
        for (int i = 0; i < layers.length; i++) {
            String p = "model.layers." + i + ".";
            layers[i] = new Layer(w(p + "input_layernorm.weight"),
                    w(p + "self_attn.q_proj.weight"), this.byName.get(p + "self_attn.q_proj.bias"),
                    w(p + "self_attn.k_proj.weight"), this.byName.get(p + "self_attn.k_proj.bias"),
                    w(p + "self_attn.v_proj.weight"), this.byName.get(p + "self_attn.v_proj.bias"),
                    w(p + "self_attn.o_proj.weight"), this.byName.get(p + "self_attn.o_proj.bias"),
                    w(p + "post_attention_layernorm.weight"),
                    w(p + "mlp.gate_proj.weight"), w(p + "mlp.up_proj.weight"), w(p + "mlp.down_proj.weight"));
        }
        this.inverseFrequencies = Tensors.keep(Rope.inverseFrequencies(config));
    }

    private Tensor w(String name) {
        Tensor t = byName.get(name);
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
     * Trainable float32 weights with Hugging Face's initialisation: linear and embedding weights from
     * N(0, initializer_range), biases zero, norm scales one. Same seed, same weights.
     */
    public static DecoderWeights initialised(DecoderConfig config, long seed) {
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
        return new DecoderWeights(config, weights, ScalarType.Float, true, List.of());
    }

    /**
     * Frozen weights from tensors named and shaped as {@link #expectedShapes}; those not in
     * {@code computeType} are converted. {@code retained} keeps memory mappings alive.
     */
    public static DecoderWeights of(DecoderConfig config, Map<String, Tensor> weights, ScalarType computeType,
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
        return new DecoderWeights(config, ordered, computeType, false, retained);
    }

    /** Elements {@link #requireFinite} checks at a time. */
    private static final long FINITE_SLICE = 1L << 22;

    /**
     * A checkpoint with NaN or infinite weights would answer every question the same: refuse it at load. Checked in
     * slices of {@value #FINITE_SLICE} elements: {@code isfinite}'s boolean copy of a whole embedding (136 MB at
     * Qwen2.5-0.5B's shape, 545 MB at 7B) was the peak of a checkpoint's load.
     */
    static void requireFinite(Object where, String name, Tensor t) {
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            Tensor flat = t.reshape(-1);                                      // a view of a contiguous weight
            long n = flat.numel(), bad = 0;
            for (long from = 0; from < n; from += FINITE_SLICE) {
                try (PointerScope slice = new PointerScope()) {
                    Tensor part = flat.narrow(0, from, Math.min(FINITE_SLICE, n - from));
                    bad += part.numel() - torch.isfinite(part).sum().item_long();
                }
            }
            if (bad > 0) {
                throw new UqaException(where + ": tensor '" + name + "' holds " + bad + " NaN or infinite values of " + n
                        + ": the checkpoint is damaged (or was saved from a diverged run)");
            }
        }
    }

    public DecoderConfig config() { return config; }

    public ScalarType computeType() { return computeType; }

    /** Weights by Hugging Face name (the tied head is not repeated), in checkpoint order. */
    public Map<String, Tensor> byName() { return Collections.unmodifiableMap(byName); }

    Tensor embedTokens() { return embedTokens; }

    Layer layer(int index) { return layers[index]; }

    Tensor finalNorm() { return finalNorm; }

    Tensor lmHead() { return lmHead; }

    Tensor inverseFrequencies() { return inverseFrequencies; }

    /** The weights that take gradients, for an optimizer. */
    public List<Tensor> trainable() {
        List<Tensor> out = new ArrayList<>();
        for (Tensor t : byName.values()) if (t.requires_grad()) out.add(t);
        return out;
    }

    /** Stops gradients to every weight and drops gradient buffers already allocated. */
    public void freeze() {
        for (Tensor t : byName.values()) {
            t.set_requires_grad(false);
            Tensor grad = t.mutable_grad();
            if (grad.defined()) grad.reset();
        }
    }

    /** Number of parameters (the tied head counted once). */
    public long parameterCount() {
        long n = 0;
        for (Tensor t : byName.values()) n += t.numel();
        return n;
    }

    /** The memory mappings these weights may point into (kept reachable by this reference). */
    List<Object> retained() { return retained; }
}
