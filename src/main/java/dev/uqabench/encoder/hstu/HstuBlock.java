package dev.uqabench.encoder.hstu;

import dev.uqabench.nn.Dropout;
import dev.uqabench.nn.Init;
import dev.uqabench.nn.Linear;
import dev.uqabench.nn.Params;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * One sequential transduction unit (Zhai et al. 2024, eq. 1-3):
 * {@code U, V, Q, K = split(SiLU(LN(x) W_uvqk))},
 * {@code A = SiLU(Q K^T + rab) / n} under the causal mask,
 * {@code y = x + W_o Drop(U * LN(A V))}.
 * The normaliser {@code n} is the encoder's max length, as in the reference, which always pads
 * to it; dividing by the padded batch length instead would let padding change the states.
 */
final class HstuBlock extends Module {

    private final HstuConfig config;
    private final double normaliser;
    private final Tensor uvqk;      // [hidden, 2 * heads * linear + 2 * heads * attention]
    private final Linear output;    // [hidden, heads * linear]

    HstuBlock(HstuConfig config, int maxLength, Generator generator) {
        this.config = config;
        this.normaliser = maxLength;
        long width = 2L * config.numberOfHeads() * (config.linearSize() + config.attentionSize());
        uvqk = Params.register(this, "uvqk", Init.normal(generator, 0.02, config.hiddenSize(), width));
        long linearWidth = (long) config.numberOfHeads() * config.linearSize();
        output = register_module("output", new Linear(Init.xavierUniform(generator, config.hiddenSize(), linearWidth),
                Init.uniform(generator, 1 / Math.sqrt(linearWidth), config.hiddenSize())));
    }

    /**
     * @param x        {@code [B, T, D]}
     * @param mask     causal mask, 1 where key {@code m <= n}, float {@code [T, T]}
     * @param bias     relative position bias {@code [T, T]}, or null
     */
    Tensor forward(Tensor x, Tensor mask, Tensor bias) {
        long batch = x.size(0);
        long time = x.size(1);
        int heads = config.numberOfHeads();
        long linear = config.linearSize();
        long attention = config.attentionSize();

        Tensor normed = torch.layer_norm(x, new long[] {config.hiddenSize()}, new org.bytedeco.pytorch.TensorOptional(),
                new org.bytedeco.pytorch.TensorOptional(), 1e-6, true);
        Tensor projected = torch.silu(torch.matmul(normed, uvqk));                              // [B, T, 2hL + 2hA]
        TensorVector parts = projected.split_with_sizes(new long[] {heads * linear, heads * linear,
                heads * attention, heads * attention}, 2);
        Tensor u = Params.owned(parts.get(0));                                                  // [B, T, h*L]
        Tensor v = Params.owned(parts.get(1)).view(batch, time, heads, linear).transpose(1, 2); // [B, h, T, L]
        Tensor q = Params.owned(parts.get(2)).view(batch, time, heads, attention).transpose(1, 2); // [B, h, T, A]
        Tensor k = Params.owned(parts.get(3)).view(batch, time, heads, attention).transpose(1, 2); // [B, h, T, A]

        Tensor scores = torch.matmul(q, k.transpose(2, 3));                                     // [B, h, T, T]
        if (bias != null) {
            scores = scores.add(bias);
        }
        // pointwise SiLU instead of softmax: no normalisation across keys, so intensity is kept
        Tensor weights = torch.silu(scores).div(new org.bytedeco.pytorch.Scalar(normaliser)).mul(mask);
        Tensor attended = torch.matmul(weights, v).transpose(1, 2).reshape(batch, time, heads * linear); // [B, T, h*L]
        Tensor attendedNorm = torch.layer_norm(attended, new long[] {heads * linear},
                new org.bytedeco.pytorch.TensorOptional(), new org.bytedeco.pytorch.TensorOptional(), 1e-6, true);
        Tensor gated = u.mul(attendedNorm);                                                     // [B, T, h*L]
        return output.forward(Dropout.apply(gated, config.dropout(), is_training())).add(x);     // [B, T, D]
    }
}
