package dev.uqabench.nn;

import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/** Root-mean-square normalisation (Zhang & Sennrich 2019) with a learned scale, initialised to 1. */
public final class RmsNorm extends Module {

    private final long size;
    private final double epsilon;
    private final Tensor weight; // [size]

    public RmsNorm(long size, double epsilon) {
        this.size = size;
        this.epsilon = epsilon;
        this.weight = Params.register(this, "weight", Init.ones(size));
    }

    public RmsNorm(long size) {
        this(size, 1e-5);
    }

    public Tensor forward(Tensor x) {
        return torch.rms_norm(x, new long[] {size}, new TensorOptional(weight), new DoubleOptional(epsilon));
    }
}
