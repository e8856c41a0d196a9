package dev.uqabench.encoder.trmplus;

import dev.uqabench.nn.Scoped;
import dev.uqabench.encoder.EncoderKind;
import dev.uqabench.encoder.UserEncoder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Trm++: the UQABench reference's modernised Transformer (LLaMA-style): pre-RMSNorm blocks,
 * rotary position embeddings (Su et al. 2021), SwiGLU feed-forward (Shazeer 2020), no q/k/v bias,
 * causal attention. As in the reference there is no final norm after the last block.
 */
public final class TrmPlus extends Module implements UserEncoder {

    public static final EncoderKind<TrmPlusConfig> KIND = new EncoderKind<>("trmplus",
            "pre-RMSNorm Transformer, RoPE, SwiGLU (LLaMA-style)", TrmPlusConfig.class, presets(),
            (config, maxLength, generator) -> new TrmPlus(config, generator));

    private final TrmPlusConfig config;
    private final List<TrmPlusBlock> blocks = new ArrayList<>();

    public TrmPlus(TrmPlusConfig config, Generator generator) {
        this.config = config;
        for (int i = 0; i < config.numberOfLayers(); i++) {
            blocks.add(register_module("block" + i, new TrmPlusBlock(config, generator)));
        }
    }

    private static Map<String, TrmPlusConfig> presets() {
        Map<String, TrmPlusConfig> presets = new LinkedHashMap<>();
        presets.put("tiny", new TrmPlusConfig(16, 1, 2, 32, 0.0, 10000));
        presets.put("mini", new TrmPlusConfig(32, 2, 2, TrmPlusConfig.referenceFfnSize(32), 0.1, 10000));
        presets.put("quickstart", new TrmPlusConfig(64, 2, 2, 256, 0.1, 10000));
        presets.put("small", new TrmPlusConfig(128, 2, 2, TrmPlusConfig.referenceFfnSize(128), 0.1, 10000));
        presets.put("ladder-xs", new TrmPlusConfig(256, 3, 2, TrmPlusConfig.referenceFfnSize(256), 0.1, 10000));
        presets.put("ladder-s", new TrmPlusConfig(384, 3, 3, TrmPlusConfig.referenceFfnSize(384), 0.1, 10000));
        presets.put("paper", new TrmPlusConfig(512, 4, 4, TrmPlusConfig.referenceFfnSize(512), 0.1, 10000));
        presets.put("ladder-l", new TrmPlusConfig(768, 6, 6, TrmPlusConfig.referenceFfnSize(768), 0.1, 10000));
        presets.put("ladder-xl", new TrmPlusConfig(1024, 10, 8, TrmPlusConfig.referenceFfnSize(1024), 0.1, 10000));
        return presets;
    }

    @Override
    public Tensor forward(Tensor events, Tensor lengths) {
        long time = events.size(1);
        long headSize = config.hiddenSize() / config.numberOfHeads();
        // angles[t, i] = t / base^(2i / d), duplicated for both halves: [T, headSize]
        Tensor inverse = torch.pow(new Scalar(config.ropeBase()),
                torch.arange(new Scalar(0), new Scalar(headSize), new Scalar(2)).to(torch.ScalarType.Float)
                        .div(new Scalar((double) headSize))).reciprocal();
        Tensor angles = torch.outer(torch.arange(new Scalar(time)).to(torch.ScalarType.Float), inverse);
        angles = torch.cat(new org.bytedeco.pytorch.TensorVector(angles, angles), 1);
        Tensor cos = angles.cos();
        Tensor sin = angles.sin();
        Tensor x = events;
        for (TrmPlusBlock block : blocks) {
            x = Scoped.apply(h -> block.forward(h, cos, sin), x);                         // [B, T, D]
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
