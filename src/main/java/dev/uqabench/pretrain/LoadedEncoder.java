package dev.uqabench.pretrain;

import dev.uqabench.encoder.TableSizes;
import dev.uqabench.encoder.UserModel;
import dev.uqabench.data.UserSequence;
import dev.uqabench.encoder.EventBatch;
import java.util.List;
import java.util.Map;

/**
 * A pre-trained encoder read back from its checkpoint, in eval mode.
 *
 * @param model      feature embedding + encoder + item head, weights loaded
 * @param config     the pre-training config that made it (encoder, preset, features, max length)
 * @param tableSizes rows of its tables (see {@code model.embedding().tableRows()} for how ids map to them)
 * @param hiddenSize width of the user states
 * @param metrics    evaluation metrics stored with the checkpoint (may be empty)
 */
public record LoadedEncoder(UserModel model, PretrainConfig config, TableSizes tableSizes, int hiddenSize,
                            Map<String, Double> metrics) {

    /** Each user's last events as this encoder reads them (its max length and feature set). */
    public EventBatch batch(List<UserSequence> users) {
        return EventBatch.lastEvents(users, config.maxLength(), config.featureSet(), model.embedding().tableRows());
    }

    /** The first {@code prefixLengths[b]} events of each user, as this encoder reads them. */
    public EventBatch prefixBatch(List<UserSequence> users, int[] prefixLengths) {
        return EventBatch.prefixes(users, prefixLengths, config.maxLength(), config.featureSet(),
                model.embedding().tableRows());
    }
}
