package dev.uqabench.align;

import dev.uqabench.data.UserSequence;
import dev.uqabench.encoder.EventBatch;
import dev.uqabench.encoder.TableSizes;
import dev.uqabench.encoder.UserModel;
import dev.uqabench.pretrain.EncoderCheckpoint;
import dev.uqabench.pretrain.PretrainConfig;
import java.util.List;
import org.bytedeco.pytorch.Module;

/** A pretrained-encoder stand-in for the align tests: a freshly seeded model that counts the sequences it encodes. */
final class ToyStateEncoder implements StateEncoder {

    private final PretrainConfig config;
    private final UserModel model;
    int encoded;

    ToyStateEncoder(PretrainConfig config, int items) {
        this.config = config;
        this.model = EncoderCheckpoint.newModel(config, TableSizes.uniform(items));
    }

    @Override
    public Encoded encode(List<UserSequence> sequences) {
        encoded += sequences.size();
        EventBatch batch = EventBatch.lastEvents(sequences, config.maxLength(), config.featureSet());
        return new Encoded(model.states(batch), batch.lengths());
    }

    @Override
    public int hiddenSize() {
        return model.hiddenSize();
    }

    @Override
    public Module module() {
        return model;
    }
}
