package dev.uqabench.encoder.gru4rec;

import dev.uqabench.encoder.EncoderKind;
import dev.uqabench.nn.Dropout;
import dev.uqabench.nn.Init;
import dev.uqabench.nn.LayerNorm;
import dev.uqabench.nn.Linear;
import dev.uqabench.nn.Params;
import dev.uqabench.encoder.UserEncoder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * GRU4Rec (Hidasi et al., ICLR 2016) as in the UQABench reference: a stacked GRU without biases
 * over the event embeddings, dropout, a dense layer back to the hidden size and a LayerNorm.
 *
 * <p>Gate layout per layer, as PyTorch's {@code nn.GRU}: {@code W_ih [3G, in]}, {@code W_hh [3G, G]},
 * rows ordered (reset, update, new); the fused libtorch GRU kernel runs the recurrence.
 */
public final class Gru4Rec extends Module implements UserEncoder {

    public static final EncoderKind<Gru4RecConfig> KIND = new EncoderKind<>("gru4rec",
            "stacked GRU without bias, dense + LayerNorm (Hidasi et al. 2016)", Gru4RecConfig.class, presets(),
            (config, maxLength, generator) -> new Gru4Rec(config, generator));

    private final Gru4RecConfig config;
    private final List<Tensor> weights = new ArrayList<>(); // per layer: W_ih [3G, in], W_hh [3G, G]
    private final Linear dense;                             // [hidden, G]
    private final LayerNorm norm;

    public Gru4Rec(Gru4RecConfig config, Generator generator) {
        this.config = config;
        long gru = config.gruSize();
        for (int layer = 0; layer < config.numberOfLayers(); layer++) {
            long in = layer == 0 ? config.hiddenSize() : gru;
            // the reference re-initialises only layer 0 (xavier uniform); deeper layers keep
            // nn.GRU's default U(-1/sqrt(G), 1/sqrt(G))
            Tensor ih = layer == 0 ? Init.xavierUniform(generator, 3 * gru, in) : Init.uniform(generator, 1 / Math.sqrt(gru), 3 * gru, in);
            Tensor hh = layer == 0 ? Init.xavierUniform(generator, 3 * gru, gru) : Init.uniform(generator, 1 / Math.sqrt(gru), 3 * gru, gru);
            weights.add(Params.register(this, "weight_ih_l" + layer, ih));
            weights.add(Params.register(this, "weight_hh_l" + layer, hh));
        }
        dense = register_module("dense", Linear.pytorchDefault(generator, gru, config.hiddenSize(), true));
        norm = register_module("norm", new LayerNorm(config.hiddenSize()));
    }

    private static Map<String, Gru4RecConfig> presets() {
        Map<String, Gru4RecConfig> presets = new LinkedHashMap<>();
        presets.put("tiny", new Gru4RecConfig(16, 2, 32, 0.0));
        presets.put("mini", new Gru4RecConfig(32, 2, 64, 0.1));
        presets.put("quickstart", new Gru4RecConfig(64, 2, 128, 0.1));
        presets.put("small", new Gru4RecConfig(128, 2, 256, 0.1));
        presets.put("ladder-xs", new Gru4RecConfig(192, 2, 384, 0.1));
        presets.put("ladder-s", new Gru4RecConfig(320, 2, 640, 0.1));
        presets.put("paper", new Gru4RecConfig(512, 2, 1024, 0.1));
        presets.put("ladder-l", new Gru4RecConfig(768, 2, 1536, 0.1));
        presets.put("ladder-xl", new Gru4RecConfig(1024, 3, 2048, 0.1));
        return presets;
    }

    @Override
    public Tensor forward(Tensor events, Tensor lengths) {
        long batch = events.size(0);
        TensorVector parameters = new TensorVector();
        weights.forEach(parameters::push_back);
        Tensor initial = torch.zeros(config.numberOfLayers(), batch, config.gruSize());      // [layers, B, G]
        Tensor outputs = Params.owned(torch.gru(events, initial, parameters, false, config.numberOfLayers(), 0.0,
                is_training(), false, true).get0());                                          // [B, T, G]
        Tensor dropped = Dropout.apply(outputs, config.dropout(), is_training());
        return norm.forward(dense.forward(dropped));                                          // [B, T, D]
    }

    /** Layer {@code layer}'s input-to-hidden weight {@code [3G, in]} (for differential tests). */
    public Tensor inputWeight(int layer) {
        return weights.get(2 * layer);
    }

    /** Layer {@code layer}'s hidden-to-hidden weight {@code [3G, G]}. */
    public Tensor hiddenWeight(int layer) {
        return weights.get(2 * layer + 1);
    }

    /** The raw top-layer GRU outputs {@code [B, T, G]} (for differential tests). */
    public Tensor gruOutputs(Tensor events) {
        TensorVector parameters = new TensorVector();
        weights.forEach(parameters::push_back);
        Tensor initial = torch.zeros(config.numberOfLayers(), events.size(0), config.gruSize());
        return Params.owned(torch.gru(events, initial, parameters, false, config.numberOfLayers(), 0.0,
                false, false, true).get0());
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
