package dev.uqabench.encoder.sasrec;

import dev.uqabench.nn.Dropout;
import dev.uqabench.nn.FusedAttention;
import dev.uqabench.nn.Init;
import dev.uqabench.nn.LayerNorm;
import dev.uqabench.nn.Linear;
import dev.uqabench.nn.Params;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * One post-LayerNorm Transformer block, as PyTorch's {@code nn.TransformerEncoderLayer} with its
 * defaults (ReLU FFN, {@code norm_first=false}) that the reference SASRec stacks:
 * {@code x = LN1(x + Drop(MHA(x)))}, {@code x = LN2(x + Drop(W2 Drop(ReLU(W1 x))))}.
 */
final class SasRecBlock extends Module {

    private final int numberOfHeads;
    private final double dropout;
    private final Linear qkv;        // [3 * hidden, hidden]
    private final Linear output;     // [hidden, hidden]
    private final LayerNorm norm1;
    private final Linear ffnIn;      // [ffn, hidden]
    private final Linear ffnOut;     // [hidden, ffn]
    private final LayerNorm norm2;

    SasRecBlock(SasRecConfig config, Generator generator) {
        int hidden = config.hiddenSize();
        this.numberOfHeads = config.numberOfHeads();
        this.dropout = config.dropout();
        // nn.MultiheadAttention keeps a xavier-uniform in-projection; the reference re-initialises
        // every nn.Linear (out-projection, FFN) as N(0, 0.02^2) with zero bias
        qkv = register_module("qkv", new Linear(Init.xavierUniform(generator, 3L * hidden, hidden), Init.zeros(3L * hidden)));
        output = register_module("output", Linear.normal(generator, hidden, hidden, 0.02, true));
        norm1 = register_module("norm1", new LayerNorm(hidden));
        ffnIn = register_module("ffn_in", Linear.normal(generator, hidden, config.ffnSize(), 0.02, true));
        ffnOut = register_module("ffn_out", Linear.normal(generator, config.ffnSize(), hidden, 0.02, true));
        norm2 = register_module("norm2", new LayerNorm(hidden));
    }

    /** {@code x}: {@code [batch, time, hidden]} to the same shape; causal. */
    Tensor forward(Tensor x) {
        long batch = x.size(0);
        long time = x.size(1);
        long hidden = x.size(2);
        long headSize = hidden / numberOfHeads;
        boolean training = is_training();

        // causal multi-head self-attention; right padding needs no key mask: a valid position
        // only sees earlier positions, which are all valid
        TensorVector qkvParts = qkv.forward(x).split(hidden, 2);                       // 3 x [B, T, H]
        Tensor q = heads(Params.owned(qkvParts.get(0)), batch, time, headSize);                        // [B, h, T, d]
        Tensor k = heads(Params.owned(qkvParts.get(1)), batch, time, headSize);
        Tensor v = heads(Params.owned(qkvParts.get(2)), batch, time, headSize);
        // float32 when autograd records the fused kernel (no dropout), as autocast and the inputs say otherwise
        Tensor attended = FusedAttention.attend(q, k, v, null, training ? dropout : 0.0, true, null);  // [B, h, T, d]
        Tensor merged = attended.transpose(1, 2).reshape(batch, time, hidden);           // [B, T, H]
        x = norm1.forward(x.add(Dropout.apply(output.forward(merged), dropout, training)));

        // position-wise feed-forward
        Tensor inner = Dropout.apply(ffnIn.forward(x).relu(), dropout, training);       // [B, T, ffn]
        return norm2.forward(x.add(Dropout.apply(ffnOut.forward(inner), dropout, training)));
    }

    private Tensor heads(Tensor x, long batch, long time, long headSize) {
        return x.view(batch, time, numberOfHeads, headSize).transpose(1, 2);
    }
}
