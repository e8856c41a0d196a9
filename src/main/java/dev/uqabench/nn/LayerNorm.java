package dev.uqabench.nn;

import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/** Layer normalisation over the last dimension with learned scale (1) and shift (0). */
public final class LayerNorm extends Module {

    private final long size;
    private final double epsilon;
    private final Tensor weight; // [size]
    private final Tensor bias;   // [size]

    public LayerNorm(long size, double epsilon) {
        this.size = size;
        this.epsilon = epsilon;
        this.weight = Params.register(this, "weight", Init.ones(size));
        this.bias = Params.register(this, "bias", Init.zeros(size));
    }

    public LayerNorm(long size) {
        this(size, 1e-5);
    }

    public Tensor forward(Tensor x) {
        return torch.layer_norm(x, new long[] {size}, new TensorOptional(weight), new TensorOptional(bias), epsilon, true);
    }
}
