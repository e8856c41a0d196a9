package dev.uqabench.encoder.mamba;

import dev.uqabench.nn.Init;
import dev.uqabench.nn.Linear;
import dev.uqabench.nn.Params;
import dev.uqabench.nn.RmsNorm;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * The Mamba-2 mixer (Dao &amp; Gu 2024) with one B/C group: an input projection to
 * {@code [z, x, B, C, dt]}, a causal depthwise convolution and SiLU over {@code (x, B, C)},
 * the selective scan with input-dependent step {@code dt = softplus(. + bias)} and {@code A = -exp(A_log)},
 * a skip {@code D x}, gated RMSNorm {@code RMSNorm(y * SiLU(z))} and an output projection.
 * Initialisation follows {@code mamba_ssm}: dt in [0.001, 0.1] log-uniform, A in [1, 16].
 */
final class Mamba2Mixer extends Module {

    private final Mamba2Config config;
    private final Linear inProjection;   // [2 * inner + 2 * N + heads, D]
    private final Tensor convWeight;     // [inner + 2N, 1, kernel]
    private final Tensor convBias;       // [inner + 2N]
    private final Tensor dtBias;         // [heads]
    private final Tensor logA;           // [heads]
    private final Tensor skip;           // [heads]  (D)
    private final RmsNorm norm;          // over inner
    private final Linear outProjection;  // [D, inner]

    Mamba2Mixer(Mamba2Config config, Generator generator) {
        this.config = config;
        int d = config.hiddenSize();
        int inner = config.innerSize();
        int n = config.stateSize();
        int heads = config.numberOfHeads();
        int convChannels = inner + 2 * n;
        inProjection = register_module("in_proj", Linear.pytorchDefault(generator, d, 2L * inner + 2L * n + heads, false));
        double convBound = 1 / Math.sqrt(config.convKernel());
        convWeight = Params.register(this, "conv_weight", Init.uniform(generator, convBound, convChannels, 1, config.convKernel()));
        convBias = Params.register(this, "conv_bias", Init.uniform(generator, convBound, convChannels));
        // dt = exp(U(log 0.001, log 0.1)) floored at 1e-4; the bias is softplus^-1(dt) = dt + log(-expm1(-dt))
        Tensor dt = Init.uniform(generator, 0.5, heads).add(new Scalar(0.5))
                .mul(new Scalar(Math.log(0.1) - Math.log(0.001))).add(new Scalar(Math.log(0.001))).exp()
                .clamp_min(new Scalar(1e-4));
        dtBias = Params.register(this, "dt_bias", dt.add(torch.log(torch.expm1(dt.neg()).neg())));
        logA = Params.register(this, "A_log", Init.uniform(generator, 7.5, heads).add(new Scalar(8.5)).log());
        skip = Params.register(this, "D", Init.ones(heads));
        norm = register_module("norm", new RmsNorm(inner));
        // out_proj rescaled by 1/sqrt(layers) for the prenorm residual stream, as mamba_ssm does
        outProjection = register_module("out_proj", new Linear(Init.uniform(generator, 1 / Math.sqrt(inner), d, inner)
                .div(new Scalar(Math.sqrt(config.numberOfLayers()))), null));
    }

    /** {@code x [B, T, D]} to {@code [B, T, D]}; causal. */
    Tensor forward(Tensor x) {
        long batch = x.size(0);
        long time = x.size(1);
        int inner = config.innerSize();
        int n = config.stateSize();
        int heads = config.numberOfHeads();
        int headSize = config.headSize();

        TensorVector parts = inProjection.forward(x).split_with_sizes(new long[] {inner, inner + 2L * n, heads}, 2);
        Tensor z = Params.owned(parts.get(0));                                          // [B, T, inner]
        Tensor xbc = Params.owned(parts.get(1));                                        // [B, T, inner + 2N]
        Tensor dtRaw = Params.owned(parts.get(2));                                      // [B, T, heads]

        // causal depthwise convolution over time: pad kernel-1 on the left, keep the first T outputs
        Tensor convolved = torch.conv1d(xbc.transpose(1, 2), convWeight, new TensorOptional(convBias),
                new long[] {1}, new long[] {config.convKernel() - 1}, new long[] {1}, inner + 2L * n)
                .narrow(2, 0, time).transpose(1, 2);                                    // [B, T, inner + 2N]
        TensorVector xBC = torch.silu(convolved).split_with_sizes(new long[] {inner, n, n}, 2);
        Tensor u = Params.owned(xBC.get(0)).view(batch, time, heads, headSize);         // [B, T, H, P]
        Tensor b = Params.owned(xBC.get(1));                                            // [B, T, N]
        Tensor c = Params.owned(xBC.get(2));                                            // [B, T, N]

        Tensor dt = torch.softplus(dtRaw.add(dtBias));                                  // [B, T, H]
        Tensor a = logA.exp().neg();                                                    // [H]
        Tensor y = SsdScan.chunked(u.mul(dt.unsqueeze(3)), dt.mul(a), b, c, config.chunkSize()); // [B, T, H, P]
        y = y.add(u.mul(skip.view(heads, 1))).reshape(batch, time, inner);              // [B, T, inner]
        return outProjection.forward(norm.forward(y.mul(torch.silu(z))));               // [B, T, D]
    }
}
