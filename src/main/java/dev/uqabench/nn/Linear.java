package dev.uqabench.nn;

import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/** {@code y = x W^T + b}, weight {@code [out, in]}, the bias optional; initial values chosen by the caller. */
public final class Linear extends Module {

    private final Tensor weight; // [out, in]
    private final Tensor bias;   // [out] or null

    public Linear(Tensor weight, Tensor bias) {
        this.weight = Params.register(this, "weight", weight);
        this.bias = bias == null ? null : Params.register(this, "bias", bias);
    }

    /** PyTorch's default {@code nn.Linear} initialisation (uniform weight and bias). */
    public static Linear pytorchDefault(org.bytedeco.pytorch.Generator generator, long in, long out, boolean bias) {
        double bound = 1.0 / Math.sqrt(in);
        return new Linear(Init.uniform(generator, bound, out, in), bias ? Init.uniform(generator, bound, out) : null);
    }

    /** N(0, std^2) weight, zero bias (the reference's {@code _init_weights}). */
    public static Linear normal(org.bytedeco.pytorch.Generator generator, long in, long out, double std, boolean bias) {
        return new Linear(Init.normal(generator, std, out, in), bias ? Init.zeros(out) : null);
    }

    public Tensor forward(Tensor x) {
        return bias == null ? torch.linear(x, weight) : torch.linear(x, weight, new TensorOptional(bias));
    }

    public Tensor weight() {
        return weight;
    }

    public long inFeatures() {
        return weight.size(1);
    }

    public long outFeatures() {
        return weight.size(0);
    }
}
