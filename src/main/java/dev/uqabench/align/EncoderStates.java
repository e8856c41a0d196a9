package dev.uqabench.align;

import dev.uqabench.align.StateEncoder;
import dev.uqabench.data.UserSequence;
import dev.uqabench.encoder.EventBatch;
import dev.uqabench.pretrain.EncoderCheckpoint;
import dev.uqabench.pretrain.LoadedEncoder;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.pytorch.Module;

/** A pretrained encoder checkpoint seen as a {@link StateEncoder}: the last {@code maxLength} events of each sequence. */
public final class EncoderStates implements StateEncoder {

    private final LoadedEncoder loaded;

    private EncoderStates(LoadedEncoder loaded) {
        this.loaded = loaded;
    }

    public static EncoderStates load(Path pretrainFolder) {
        return new EncoderStates(EncoderCheckpoint.load(pretrainFolder));
    }

    @Override
    public Encoded encode(List<UserSequence> sequences) {
        EventBatch batch = loaded.batch(sequences);
        return new Encoded(loaded.model().states(batch), batch.lengths());
    }

    @Override
    public int hiddenSize() {
        return loaded.hiddenSize();
    }

    @Override
    public Module module() {
        return loaded.model();
    }

    public LoadedEncoder loaded() {
        return loaded;
    }
}
