package dev.uqabench.encoder.sasrec;

import dev.uqabench.encoder.EncoderKind;
import dev.uqabench.nn.Init;
import dev.uqabench.nn.LayerNorm;
import dev.uqabench.nn.Params;
import dev.uqabench.nn.Scoped;
import dev.uqabench.encoder.UserEncoder;
import dev.uqabench.base.UqaException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * SASRec: self-attentive sequential recommendation (Kang &amp; McAuley, ICDM 2018), in the form of
 * the UQABench reference: learned absolute positions added to the event embeddings, a stack of
 * post-LayerNorm Transformer blocks with causal attention, and a final LayerNorm.
 *
 * <p>Deviation: the reference also passes a key-padding mask; with right padding and a causal
 * mask it changes only the (ignored) states at padding positions, so it is omitted here and the
 * fused causal attention kernel is used instead.
 */
public final class SasRec extends Module implements UserEncoder {

    public static final EncoderKind<SasRecConfig> KIND = new EncoderKind<>("sasrec",
            "post-LN Transformer, learned positions (Kang & McAuley 2018)", SasRecConfig.class, presets(),
            SasRec::new);

    private final SasRecConfig config;
    private final int maxLength;
    private final Tensor positions; // [maxLength, hidden]
    private final List<SasRecBlock> blocks = new ArrayList<>();
    private final LayerNorm finalNorm;

    public SasRec(SasRecConfig config, int maxLength, Generator generator) {
        this.config = config;
        this.maxLength = maxLength;
        positions = Params.register(this, "positions", Init.normal(generator, 0.02, maxLength, config.hiddenSize()));
        for (int i = 0; i < config.numberOfBlocks(); i++) {
            blocks.add(register_module("block" + i, new SasRecBlock(config, generator)));
        }
        finalNorm = register_module("final_norm", new LayerNorm(config.hiddenSize()));
    }

    private static Map<String, SasRecConfig> presets() {
        Map<String, SasRecConfig> presets = new LinkedHashMap<>();
        presets.put("tiny", new SasRecConfig(16, 1, 2, 32, 0.0));
        presets.put("mini", new SasRecConfig(32, 2, 2, 64, 0.1));
        presets.put("quickstart", new SasRecConfig(64, 2, 2, 128, 0.1));
        presets.put("small", new SasRecConfig(128, 2, 4, 384, 0.1));
        presets.put("ladder-xs", new SasRecConfig(256, 4, 4, 768, 0.1));
        presets.put("ladder-s", new SasRecConfig(384, 4, 6, 1152, 0.1));
        presets.put("paper", new SasRecConfig(512, 6, 8, 1536, 0.1));
        presets.put("ladder-l", new SasRecConfig(768, 8, 12, 2304, 0.1));
        presets.put("ladder-xl", new SasRecConfig(1024, 12, 16, 3072, 0.1));
        return presets;
    }

    @Override
    public Tensor forward(Tensor events, Tensor lengths) {
        long time = events.size(1);
        if (time > maxLength) {
            throw new UqaException("sasrec: " + time + " positions, but it was built for at most " + maxLength);
        }
        Tensor x = events.add(positions.narrow(0, 0, time));               // [B, T, H]
        for (SasRecBlock block : blocks) {
            x = Scoped.apply(block::forward, x);                            // [B, T, H]
        }
        return finalNorm.forward(x);                                        // [B, T, H]
    }

    @Override
    public int hiddenSize() {
        return config.hiddenSize();
    }

    @Override
    public Module module() {
        return this;
    }

    public SasRecConfig config() {
        return config;
    }
}
