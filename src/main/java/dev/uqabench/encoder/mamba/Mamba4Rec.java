package dev.uqabench.encoder.mamba;

import dev.uqabench.encoder.EncoderKind;
import dev.uqabench.nn.RmsNorm;
import dev.uqabench.nn.Scoped;
import dev.uqabench.encoder.UserEncoder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * Mamba4Rec (Liu et al. 2024) with Mamba-2 mixers, as the UQABench reference builds it from
 * {@code mamba_ssm}'s {@code MambaModel}: residual blocks {@code x += Mixer(RMSNorm(x))}, no MLP,
 * no final norm. The scan runs with plain tensor ops ({@link SsdScan}), so no CUDA kernels are needed.
 */
public final class Mamba4Rec extends Module implements UserEncoder {

    public static final EncoderKind<Mamba2Config> KIND = new EncoderKind<>("mamba",
            "Mamba-2 selective state-space blocks (Dao & Gu 2024), chunked scan", Mamba2Config.class, presets(),
            (config, maxLength, generator) -> new Mamba4Rec(config, generator));

    private final Mamba2Config config;
    private final List<RmsNorm> norms = new ArrayList<>();
    private final List<Mamba2Mixer> mixers = new ArrayList<>();

    public Mamba4Rec(Mamba2Config config, Generator generator) {
        this.config = config;
        for (int i = 0; i < config.numberOfLayers(); i++) {
            norms.add(register_module("norm" + i, new RmsNorm(config.hiddenSize())));
            mixers.add(register_module("mixer" + i, new Mamba2Mixer(config, generator)));
        }
    }

    private static Map<String, Mamba2Config> presets() {
        Map<String, Mamba2Config> presets = new LinkedHashMap<>();
        presets.put("tiny", new Mamba2Config(16, 1, 8, 2, 8, 4, 4));
        presets.put("mini", new Mamba2Config(32, 2, 16, 2, 16, 4, 16));
        presets.put("quickstart", new Mamba2Config(64, 2, 32, 2, 32, 4, 32));
        presets.put("small", new Mamba2Config(128, 2, 32, 2, 32, 4, 32));
        presets.put("ladder-xs", new Mamba2Config(256, 3, 64, 2, 64, 4, 64));
        presets.put("ladder-s", new Mamba2Config(384, 3, 64, 2, 64, 4, 64));
        presets.put("paper", new Mamba2Config(512, 4, 128, 2, 64, 4, 64));
        presets.put("ladder-l", new Mamba2Config(768, 8, 128, 2, 64, 4, 64));
        presets.put("ladder-xl", new Mamba2Config(1024, 16, 128, 2, 64, 4, 64));
        return presets;
    }

    @Override
    public Tensor forward(Tensor events, Tensor lengths) {
        Tensor x = events;
        for (int i = 0; i < mixers.size(); i++) {
            Mamba2Mixer mixer = mixers.get(i);
            RmsNorm norm = norms.get(i);
            x = Scoped.apply(h -> h.add(mixer.forward(norm.forward(h))), x);  // [B, T, D]
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
