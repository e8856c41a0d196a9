package dev.uqabench.align;

import dev.uqabench.nn.FusedAttention;
import dev.uqabench.nn.LayerNorm;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * A Q-Former adapter (Li et al. 2023, BLIP-2, reduced to its cross-attention core): {@code k}
 * learned queries attend to the encoder states through a few post-LayerNorm cross-attention +
 * FFN layers, then are projected to the LLM width: {@code k} soft tokens per user.
 * UQABench describes it but released only mean pooling; this is our version of it.
 */
public final class QFormerAdapter extends Module implements Adapter {

    private final int queryTokens;
    private final int heads;
    private final int width;
    private final Tensor queries;          // [k, width]
    private final LinearImpl[] q;
    private final LinearImpl[] k;
    private final LinearImpl[] v;
    private final LinearImpl[] o;
    private final LinearImpl[] up;
    private final LinearImpl[] down;
    private final LayerNorm[] attentionNorm;
    private final LayerNorm[] ffnNorm;
    private final LinearImpl output;

    public QFormerAdapter(int encoderHidden, int llmHidden, int queryTokens, int layers, int heads, long seed) {
        if (encoderHidden % heads != 0) {
            throw new IllegalArgumentException("Q-Former: encoder hidden " + encoderHidden + " is not divisible by " + heads + " heads");
        }
        this.queryTokens = queryTokens;
        this.heads = heads;
        this.width = encoderHidden;
        torch.manual_seed(seed);
        // keep the tensor we pass in: the reference register_parameter returns moves with later registrations
        this.queries = dev.uqabench.nn.Params.register(this, "queries",
                torch.randn(queryTokens, encoderHidden).mul(new Scalar(0.02)));
        q = new LinearImpl[layers];
        k = new LinearImpl[layers];
        v = new LinearImpl[layers];
        o = new LinearImpl[layers];
        up = new LinearImpl[layers];
        down = new LinearImpl[layers];
        attentionNorm = new LayerNorm[layers];
        ffnNorm = new LayerNorm[layers];
        for (int l = 0; l < layers; l++) {
            q[l] = register_module("layers_" + l + "_q", new LinearImpl(width, width));
            k[l] = register_module("layers_" + l + "_k", new LinearImpl(width, width));
            v[l] = register_module("layers_" + l + "_v", new LinearImpl(width, width));
            o[l] = register_module("layers_" + l + "_o", new LinearImpl(width, width));
            up[l] = register_module("layers_" + l + "_up", new LinearImpl(width, 4L * width));
            down[l] = register_module("layers_" + l + "_down", new LinearImpl(4L * width, width));
            attentionNorm[l] = register_module("layers_" + l + "_attention_norm", new LayerNorm(width));
            ffnNorm[l] = register_module("layers_" + l + "_ffn_norm", new LayerNorm(width));
        }
        this.output = register_module("output", new LinearImpl(width, llmHidden));
    }

    @Override
    public Tensor softTokens(Tensor states, Tensor lengths) {
        long batch = states.size(0);
        long time = states.size(1);
        long headDim = width / heads;
        // key positions before a row's length may be attended to, padding never
        Tensor positions = torch.arange(new Scalar(time)).unsqueeze(0);                 // [1, T]
        Tensor readable = positions.lt(lengths.unsqueeze(1)).unsqueeze(1).unsqueeze(1); // [B, 1, 1, T]
        Tensor x = queries.unsqueeze(0).expand(batch, queryTokens, width);              // [B, k, W]
        for (int l = 0; l < q.length; l++) {
            Tensor qh = q[l].forward(x).view(batch, queryTokens, heads, headDim).transpose(1, 2);   // [B, h, k, d]
            Tensor kh = k[l].forward(states).view(batch, time, heads, headDim).transpose(1, 2);     // [B, h, T, d]
            Tensor vh = v[l].forward(states).view(batch, time, heads, headDim).transpose(1, 2);     // [B, h, T, d]
            Tensor attended = attend(qh, kh, vh, readable)                                          // [B, h, k, d]
                    .transpose(1, 2).reshape(batch, queryTokens, width);
            x = attentionNorm[l].forward(x.add(o[l].forward(attended)));
            x = ffnNorm[l].forward(x.add(down[l].forward(torch.gelu(up[l].forward(x)))));
        }
        return output.forward(x);                                                       // [B, k, D]
    }

    /**
     * softmax(q k^T / sqrt(d), padding at minus infinity) v through libtorch's fused kernel, in float32 (a few queries:
     * its bf16 form takes the reference loop, see {@link FusedAttention}), outside autocast: forward + backward at the
     * alignment's shapes (32 users, 4 heads, 16 queries over 50-200 states) 1.1-2.0x faster than the product, masked
     * softmax and product written out, in float32 and under bf16 autocast ({@code AttentionBenchmark 30 qformer},
     * bench/perf/README.md).
     */
    static Tensor attend(Tensor q, Tensor k, Tensor v, Tensor readable) {
        return FusedAttention.attend(q, k, v, readable, 0.0, false, ScalarType.Float);
    }

    @Override
    public int tokens() {
        return queryTokens;
    }

    @Override
    public Module module() {
        return this;
    }
}
