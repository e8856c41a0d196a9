package dev.uqabench.align;

import dev.uqabench.base.UqaException;
import dev.uqabench.tensor.Safetensors;
import dev.uqabench.tensor.Tensors;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.StringTensorDict;
import org.bytedeco.pytorch.Tensor;

/** Adapter weights as safetensors, by parameter name; loading checks every name and shape. */
public final class AdapterCheckpoint {

    public static final String WEIGHTS = "adapter.safetensors";

    private AdapterCheckpoint() {
    }

    /** Builds the adapter an alignment config describes. */
    public static Adapter create(AlignConfig config, int encoderHidden, int llmHidden, long seed) {
        // every kind seeds libtorch's global generator and draws its initial weights from it
        synchronized (dev.uqabench.tensor.GlobalGenerator.LOCK) {
            return createSeeded(config, encoderHidden, llmHidden, seed);
        }
    }

    private static Adapter createSeeded(AlignConfig config, int encoderHidden, int llmHidden, long seed) {
        return switch (config.adapter()) {
            case MEANPOOL -> {
                org.bytedeco.pytorch.global.torch.manual_seed(seed);
                yield new MeanPoolAdapter(encoderHidden, llmHidden);
            }
            case QFORMER -> new QFormerAdapter(encoderHidden, llmHidden, config.queryTokens(), 2,
                    encoderHidden % 4 == 0 ? 4 : 1, seed);
            case LEARNED_PROMPT -> new LearnedPromptAdapter(config.queryTokens(), llmHidden, seed);
        };
    }

    /** Every parameter of a module, by name (used for adapters and for encoders tuned during alignment). */
    public static void save(Module module, Path file) {
        Map<String, Tensor> weights = new LinkedHashMap<>();
        named(module).forEach((name, t) -> weights.put(name, t.detach().contiguous()));
        Safetensors.write(file, weights);
    }

    /** Copies stored weights into a module's parameters; every name and shape must match. */
    public static void load(Module module, Path file) {
        Map<String, Tensor> stored = Safetensors.read(file);
        Map<String, Tensor> params = named(module);
        for (String name : stored.keySet()) {
            if (!params.containsKey(name)) {
                throw new UqaException(file + ": tensor '" + name + "' is not a parameter of this adapter");
            }
        }
        try (NoGradGuard noGrad = new NoGradGuard()) {
            for (Map.Entry<String, Tensor> p : params.entrySet()) {
                Tensor t = stored.get(p.getKey());
                if (t == null) {
                    throw new UqaException(file + ": tensor '" + p.getKey() + "' is missing");
                }
                if (!Arrays.equals(Tensors.shape(t), Tensors.shape(p.getValue()))) {
                    throw new UqaException(file + ": tensor '" + p.getKey() + "' has shape "
                            + Arrays.toString(Tensors.shape(t)) + ", expected " + Arrays.toString(Tensors.shape(p.getValue())));
                }
                p.getValue().copy_(t);
            }
        }
    }

    static Map<String, Tensor> named(Module module) {
        StringTensorDict dict = module.named_parameters(true);
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (long i = 0; i < dict.size(); i++) {
            // owning copies: the dict's elements die with the dict
            out.put(dict.get(i).key().getString(), dev.uqabench.nn.Params.owned(dict.get(i).value()));
        }
        return out;
    }
}
