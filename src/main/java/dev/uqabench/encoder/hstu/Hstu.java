package dev.uqabench.encoder.hstu;

import dev.uqabench.encoder.EncoderKind;
import dev.uqabench.nn.Init;
import dev.uqabench.nn.Scoped;
import dev.uqabench.nn.Params;
import dev.uqabench.encoder.UserEncoder;
import dev.uqabench.base.UqaException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * HSTU, the hierarchical sequential transduction unit of "Actions Speak Louder than Words"
 * (Zhai et al., ICML 2024), as the UQABench reference configures it: a stack of units with a fused
 * U/V/Q/K projection, SiLU attention normalised by the sequence length and gating by U.
 *
 * <p>Written with dense tensor ops over the right-padded batch instead of fbgemm's jagged kernels;
 * causality makes the two agree on every valid position. The reference builds a relative
 * time-and-position bias but never feeds it timestamps, so its bias is inactive; here a relative
 * position bias is an option ({@code relativePositionBias}), off in the {@code paper} preset.
 */
public final class Hstu extends Module implements UserEncoder {

    public static final EncoderKind<HstuConfig> KIND = new EncoderKind<>("hstu",
            "SiLU-attention transduction units with U gating (Zhai et al. 2024)", HstuConfig.class, presets(),
            Hstu::new);

    private final HstuConfig config;
    private final int maxLength;
    private final List<HstuBlock> blocks = new ArrayList<>();
    private final Tensor relativeBias; // [2 * maxLength - 1] or null

    public Hstu(HstuConfig config, int maxLength, Generator generator) {
        this.config = config;
        this.maxLength = maxLength;
        for (int i = 0; i < config.numberOfBlocks(); i++) {
            blocks.add(register_module("block" + i, new HstuBlock(config, maxLength, generator)));
        }
        relativeBias = config.relativePositionBias()
                ? Params.register(this, "relative_bias", Init.normal(generator, 0.02, 2L * maxLength - 1))
                : null;
    }

    private static Map<String, HstuConfig> presets() {
        Map<String, HstuConfig> presets = new LinkedHashMap<>();
        presets.put("tiny", new HstuConfig(16, 1, 2, 8, 8, 0.0, true));
        presets.put("mini", new HstuConfig(32, 2, 2, 16, 16, 0.1, false));
        presets.put("quickstart", new HstuConfig(64, 2, 2, 32, 32, 0.1, false));
        presets.put("small", new HstuConfig(128, 2, 4, 64, 64, 0.1, false));
        presets.put("ladder-xs", new HstuConfig(256, 3, 4, 128, 128, 0.1, false));
        presets.put("ladder-s", new HstuConfig(384, 3, 6, 192, 192, 0.1, false));
        presets.put("paper", new HstuConfig(512, 4, 8, 256, 256, 0.1, false));
        presets.put("ladder-l", new HstuConfig(768, 6, 12, 256, 256, 0.1, false));
        presets.put("ladder-xl", new HstuConfig(1024, 8, 16, 256, 256, 0.1, false));
        return presets;
    }

    @Override
    public Tensor forward(Tensor events, Tensor lengths) {
        long time = events.size(1);
        if (time > maxLength) {
            throw new UqaException("hstu: " + time + " positions, but it was built for at most " + maxLength);
        }
        Tensor mask = torch.tril(torch.ones(time, time));                                // [T, T], 1 where m <= n
        Tensor bias = null;
        if (relativeBias != null) {
            // bias[n, m] = w[maxLength - 1 + m - n]
            Tensor positions = torch.arange(new org.bytedeco.pytorch.Scalar(time));
            Tensor offsets = positions.unsqueeze(0).sub(positions.unsqueeze(1)).add(new org.bytedeco.pytorch.Scalar(maxLength - 1));
            bias = relativeBias.index_select(0, offsets.reshape(-1)).view(time, time);   // [T, T]
        }
        Tensor x = events;
        Tensor positionBias = bias;
        for (HstuBlock block : blocks) {
            x = Scoped.apply(h -> block.forward(h, mask, positionBias), x);               // [B, T, D]
        }
        return x;
    }

    @Override
    public int hiddenSize() {
        return config.hiddenSize();
    }

    @Override
    public Module module() {
        return this;
    }
}
