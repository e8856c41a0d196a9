package dev.uqabench.align;

import dev.uqabench.base.AtomicFiles;
import java.nio.file.Path;
import java.util.Map;

/**
 * What an alignment leaves in its folder: the adapter's weights ({@link AdapterCheckpoint#WEIGHTS}),
 * the encoder's weights when it was tuned too ({@link #TUNED_ENCODER}, adapter + encoder mode), and
 * {@code adapter.json}, which says what the weights are; and how evaluation loads them back.
 */
public final class AlignFolder {

    /** Encoder weights after alignment in adapter + encoder mode. */
    public static final String TUNED_ENCODER = "encoder.safetensors";
    /** The adapter's kind, soft tokens, widths and mode. */
    public static final String DESCRIPTION = "adapter.json";

    private AlignFolder() {
    }

    /** Writes the trained adapter (and the tuned encoder in adapter + encoder mode) into {@code folder}. */
    public static void save(Path folder, Adapter adapter, StateEncoder encoder, AlignConfig config, int llmHidden) {
        AdapterCheckpoint.save(adapter.module(), folder.resolve(AdapterCheckpoint.WEIGHTS));
        if (config.mode() == AlignConfig.Mode.ADAPTER_AND_ENCODER) {
            AdapterCheckpoint.save(encoder.module(), folder.resolve(TUNED_ENCODER));
        }
        AtomicFiles.writeJson(folder.resolve(DESCRIPTION), Map.of("adapter", config.adapter(),
                "tokens", adapter.tokens(), "encoder_hidden", encoder.hiddenSize(),
                "llm_hidden", llmHidden, "mode", config.mode()));
    }

    /** The pretrained encoder with the weights tuned during alignment. */
    public static EncoderStates loadTunedEncoder(Path alignFolder, Path pretrainFolder) {
        EncoderStates encoder = EncoderStates.load(pretrainFolder);
        AdapterCheckpoint.load(encoder.module(), alignFolder.resolve(TUNED_ENCODER));
        encoder.module().eval();
        return encoder;
    }

    /** The trained adapter of an align folder, ready for evaluation. */
    public static Adapter loadAdapter(Path alignFolder, AlignConfig config, int encoderHidden, int llmHidden) {
        Adapter adapter = AdapterCheckpoint.create(config, encoderHidden, llmHidden, 0);
        AdapterCheckpoint.load(adapter.module(), alignFolder.resolve(AdapterCheckpoint.WEIGHTS));
        adapter.module().eval();
        return adapter;
    }
}
