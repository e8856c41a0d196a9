package dev.uqabench.encoder.trmplus;

import dev.uqabench.nn.Dropout;
import dev.uqabench.nn.FusedAttention;
import dev.uqabench.nn.Linear;
import dev.uqabench.nn.RmsNorm;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * One pre-RMSNorm block: {@code x += Drop(Attn(RoPE, RMSNorm(x)))},
 * {@code x += Drop(W_down (SiLU(W_g h) * W_x h))} with {@code h = RMSNorm(x)}. No biases.
 */
final class TrmPlusBlock extends Module {

    private final TrmPlusConfig config;
    private final RmsNorm attentionNorm;
    private final Linear query;   // [D, D]
    private final Linear key;     // [D, D]
    private final Linear value;   // [D, D]
    private final Linear output;  // [D, D]
    private final RmsNorm ffnNorm;
    private final Linear up;      // [F, D]
    private final Linear gate;    // [F, D]
    private final Linear down;    // [D, F]

    TrmPlusBlock(TrmPlusConfig config, Generator generator) {
        this.config = config;
        int d = config.hiddenSize();
        int f = config.ffnSize();
        double std = 0.02;
        // output projections are scaled down with depth, as in the reference (GPT-2 style)
        double outputStd = std / Math.sqrt(2.0 * config.numberOfLayers());
        attentionNorm = register_module("attention_norm", new RmsNorm(d));
        query = register_module("query", Linear.normal(generator, d, d, std, false));
        key = register_module("key", Linear.normal(generator, d, d, std, false));
        value = register_module("value", Linear.normal(generator, d, d, std, false));
        output = register_module("output", Linear.normal(generator, d, d, outputStd, false));
        ffnNorm = register_module("ffn_norm", new RmsNorm(d));
        up = register_module("up", Linear.normal(generator, d, f, std, false));
        gate = register_module("gate", Linear.normal(generator, d, f, std, false));
        down = register_module("down", Linear.normal(generator, f, d, outputStd, false));
    }

    /** {@code x [B, T, D]}, {@code cos, sin [T, headSize]}. */
    Tensor forward(Tensor x, Tensor cos, Tensor sin) {
        long batch = x.size(0);
        long time = x.size(1);
        int heads = config.numberOfHeads();
        long headSize = config.hiddenSize() / heads;
        boolean training = is_training();

        Tensor h = attentionNorm.forward(x);
        Tensor q = rotate(query.forward(h).view(batch, time, heads, headSize).transpose(1, 2), cos, sin); // [B, h, T, d]
        Tensor k = rotate(key.forward(h).view(batch, time, heads, headSize).transpose(1, 2), cos, sin);
        Tensor v = value.forward(h).view(batch, time, heads, headSize).transpose(1, 2);
        // float32 when autograd records the fused kernel (no dropout), as autocast and the inputs say otherwise
        Tensor attended = FusedAttention.attend(q, k, v, null, training ? config.dropout() : 0.0, true,
                null);                                                                                  // [B, h, T, d]
        Tensor merged = attended.transpose(1, 2).reshape(batch, time, config.hiddenSize());
        x = x.add(Dropout.apply(output.forward(merged), config.dropout(), training));

        Tensor g = ffnNorm.forward(x);
        Tensor inner = torch.silu(gate.forward(g)).mul(up.forward(g));                                     // [B, T, F]
        return x.add(Dropout.apply(down.forward(inner), config.dropout(), training));
    }

    /** Rotary position embedding, "rotate half" form: {@code x cos + [-x2, x1] sin}. */
    static Tensor rotate(Tensor x, Tensor cos, Tensor sin) {
        long half = x.size(3) / 2;
        Tensor x1 = x.narrow(3, 0, half);
        Tensor x2 = x.narrow(3, half, half);
        Tensor rotated = torch.cat(new org.bytedeco.pytorch.TensorVector(x2.neg(), x1), 3);
        return x.mul(cos).add(rotated.mul(sin));
    }
}
