package dev.uqabench.align;

import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * The reference adapter ({@code SimplePooler} in UQABench's align.py): a linear up-projection of
 * every encoder state to the LLM width, then the mean over the valid positions: one soft token.
 */
public final class MeanPoolAdapter extends Module implements Adapter {

    private final LinearImpl upProjection;

    public MeanPoolAdapter(int encoderHidden, int llmHidden) {
        this.upProjection = register_module("up_proj", new LinearImpl(encoderHidden, llmHidden));
    }

    @Override
    public Tensor softTokens(Tensor states, Tensor lengths) {
        Tensor x = upProjection.forward(states);                                  // [B, T, D]
        long time = x.size(1);
        Tensor positions = torch.arange(new Scalar(time)).unsqueeze(0);           // [1, T]
        Tensor valid = positions.lt(lengths.unsqueeze(1)).to(x.scalar_type());    // [B, T]
        Tensor summed = x.mul(valid.unsqueeze(2)).sum(new long[] {1}, false, new org.bytedeco.pytorch.ScalarTypeOptional());
        Tensor pooled = summed.div(lengths.unsqueeze(1).to(x.scalar_type()));     // [B, D]
        return pooled.unsqueeze(1);                                               // [B, 1, D]
    }

    @Override
    public int tokens() {
        return 1;
    }

    @Override
    public Module module() {
        return this;
    }
}
