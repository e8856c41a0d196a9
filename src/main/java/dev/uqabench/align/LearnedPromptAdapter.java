package dev.uqabench.align;

import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * A control, not a user model: {@code k} trainable soft tokens that ignore the encoder states
 * (prompt tuning, Lester et al. 2021). Trained by the same alignment recipe as a real adapter, it
 * measures how much of an embedding variant's gain a fixed learned prompt already gets without
 * any information about the user.
 */
public final class LearnedPromptAdapter extends Module implements Adapter {

    private final int tokens;
    private final Tensor prompt;           // [k, llmHidden]

    public LearnedPromptAdapter(int tokens, int llmHidden, long seed) {
        if (tokens <= 0) {
            throw new IllegalArgumentException("a learned prompt needs at least one token, got " + tokens);
        }
        this.tokens = tokens;
        torch.manual_seed(seed);
        // the same small init as the Q-Former's learned queries: training, not init, sets the scale
        this.prompt = dev.uqabench.nn.Params.register(this, "prompt",
                torch.randn(tokens, llmHidden).mul(new Scalar(0.02)));
    }

    @Override
    public Tensor softTokens(Tensor states, Tensor lengths) {
        long batch = states.size(0);
        // the states are read for their batch size only: no user information reaches the output
        return prompt.unsqueeze(0).expand(batch, prompt.size(0), prompt.size(1));   // [B, k, D]
    }

    @Override
    public boolean readsStates() {
        return false;
    }

    @Override
    public int tokens() {
        return tokens;
    }

    @Override
    public Module module() {
        return this;
    }
}
