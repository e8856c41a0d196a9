package dev.uqabench.encoder;

import dev.uqabench.nn.Linear;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Event features to user states, plus the next-item scoring head of the reference
 * {@code SeqModelForPretrain}: states are projected to the item-embedding width ({@code proj2})
 * and scored by dot product against the item table itself (tied, no separate output table).
 */
public final class UserModel extends Module {

    private final FeatureEmbedding embedding;
    private final UserEncoder encoder;
    private final Linear itemProjection; // [itemWidth, hidden]

    public UserModel(FeatureEmbedding embedding, UserEncoder encoder, Generator generator) {
        if (embedding.hiddenSize() != encoder.hiddenSize()) {
            throw new IllegalArgumentException("embedding width " + embedding.hiddenSize()
                    + " != encoder hidden size " + encoder.hiddenSize());
        }
        this.embedding = register_module("embedding", embedding);
        this.encoder = encoder;
        register_module("encoder", encoder.module());
        long itemWidth = embedding.itemTable().size(1);
        itemProjection = register_module("item_projection",
                Linear.pytorchDefault(generator, encoder.hiddenSize(), itemWidth, true));
    }

    /** User states, float {@code [batch, time, hidden]}; states at padding positions are meaningless. */
    public Tensor states(EventBatch batch) {
        return states(batch, null);
    }

    /** States reading the tables in {@code gathered} from its rows (sparse-update training). */
    public Tensor states(EventBatch batch, GatheredRows gathered) {
        Tensor events = embedding.forward(batch, gathered);     // [B, T, H]
        return encoder.forward(events, batch.lengths());        // [B, T, H]
    }

    /** States (any leading shape, last dim hidden) to queries in item-embedding space {@code [..., 128]}. */
    public Tensor queries(Tensor states) {
        return itemProjection.forward(states);
    }

    /** Scores of every item, {@code [..., items]}, for queries {@code [..., 128]}. */
    public Tensor scoreAll(Tensor queries) {
        return torch.linear(queries, embedding.itemTable());
    }

    public FeatureEmbedding embedding() {
        return embedding;
    }

    public UserEncoder encoder() {
        return encoder;
    }

    public int hiddenSize() {
        return encoder.hiddenSize();
    }

    /** Number of scalar parameters. */
    public long parameterCount() {
        return parameterCount(this);
    }

    /** Number of scalar parameters of a module. */
    public static long parameterCount(Module module) {
        var parameters = module.parameters();
        long total = 0;
        for (long i = 0; i < parameters.size(); i++) {
            total += parameters.get(i).numel();
        }
        return total;
    }
}
