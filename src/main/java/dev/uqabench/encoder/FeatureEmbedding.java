package dev.uqabench.encoder;

import dev.uqabench.nn.Params;
import dev.uqabench.nn.Init;
import dev.uqabench.nn.Linear;
import dev.uqabench.data.Feature;
import dev.uqabench.data.Table;
import dev.uqabench.base.UqaException;
import java.util.EnumMap;
import java.util.Map;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * Event embeddings as in the reference {@code EmbeddingBagCollection}: one embedding bag (mode
 * "mean") per feature over its table, the five text features sharing the token table; the bag
 * outputs are concatenated (item 128 + four ids x 64 + five texts x 64 = 704 wide with all
 * features) and projected to the encoder's hidden size ({@code proj1} in the reference).
 *
 * <p>Tables are initialised N(0, 0.02^2) truncated at two standard deviations, the projection
 * like PyTorch's {@code nn.Linear}. Ids are checked against the table sizes here, before libtorch,
 * whose out-of-range lookup would abort the JVM rather than throw.
 */
public final class FeatureEmbedding extends Module {

    private final FeatureSet featureSet;
    private final TableRows tableRows;
    private final TableSizes tableSizes; // rows of each table
    private final Map<Table, Tensor> tables = new EnumMap<>(Table.class); // each [rows, width]
    private final Linear projection;                                      // [hidden, concatenated]
    // held so the Java peer of the child module outlives training: libtorch calls back into it
    private final Module bags;

    public FeatureEmbedding(FeatureSet featureSet, TableSizes tableSizes, int hiddenSize, Generator generator) {
        this(featureSet, TableRows.identity(tableSizes), hiddenSize, generator);
    }

    /** Tables of {@code tableRows.rows()} rows; batches for this embedding map ids to rows with {@code tableRows}. */
    public FeatureEmbedding(FeatureSet featureSet, TableRows tableRows, int hiddenSize, Generator generator) {
        this.featureSet = featureSet;
        this.tableRows = tableRows;
        this.tableSizes = tableRows.rows();
        bags = register_module("bags", new Module());
        for (Table table : featureSet.tables()) {
            Tensor weight = Init.truncatedNormal(generator, 0.02, tableSizes.size(table), table.defaultEmbeddingDim());
            tables.put(table, Params.register(bags, table.key(), weight));
        }
        projection = register_module("projection",
                Linear.pytorchDefault(generator, featureSet.concatenatedWidth(), hiddenSize, true));
    }

    /** Event embeddings, float {@code [batch, time, hiddenSize]}. */
    public Tensor forward(EventBatch batch) {
        return forward(batch, null);
    }

    /**
     * Event embeddings reading the tables in {@code gathered} from its gathered rows (training
     * with sparse updates) and the others whole; {@code gathered} may be null.
     */
    public Tensor forward(EventBatch batch, GatheredRows gathered) {
        validate(batch);
        TensorVector parts = new TensorVector();
        for (Feature feature : featureSet.features()) {
            Table table = feature.table();
            boolean local = gathered != null && gathered.has(table);
            Tensor weight = local ? gathered.rows(table) : tables.get(table);
            Tensor values = local ? gathered.localIndex(table, batch.valueArray(feature)) : batch.values(feature);
            // one mean bag per (row, position): [batch * time, width]
            Tensor bag = Params.owned(torch.embedding_bag(weight, values, batch.offsets(feature),
                    false, 1, false, new TensorOptional(), false).get0());
            parts.push_back(bag);
        }
        Tensor concatenated = torch.cat(parts, 1);                              // [batch * time, 704]
        Tensor projected = projection.forward(concatenated);                    // [batch * time, hidden]
        return projected.view(batch.batchSize(), batch.time(), projection.outFeatures());
    }

    /** Fails with a message naming the table when the batch holds an id outside it or lacks a feature. */
    public void validate(EventBatch batch) {
        for (Feature feature : featureSet.features()) {
            if (!batch.has(feature)) {
                throw new UqaException("the event batch lacks feature '" + feature.column()
                        + "' needed by feature set " + featureSet);
            }
        }
        for (Table table : featureSet.tables()) {
            long maxId = batch.maxId(table);
            if (maxId >= tableSizes.size(table)) {
                throw new UqaException("id " + maxId + " is outside table '" + table.key() + "' of "
                        + tableSizes.size(table) + " rows (is dataset.json from another data set?)");
            }
        }
    }

    /** The full weight of a table, {@code [rows, width]}. */
    public Tensor table(Table table) {
        Tensor weight = tables.get(table);
        if (weight == null) {
            throw new IllegalArgumentException("feature set " + featureSet + " has no table " + table.key());
        }
        return weight;
    }

    /** The item embedding table, {@code [items, 128]}: the reference scores next items against it. */
    public Tensor itemTable() {
        return tables.get(Table.ITEM);
    }

    public FeatureSet featureSet() {
        return featureSet;
    }

    /** Rows of each table. */
    public TableSizes tableSizes() {
        return tableSizes;
    }

    /** How the data's ids map to this embedding's rows (identity unless tables were compacted). */
    public TableRows tableRows() {
        return tableRows;
    }

    public int hiddenSize() {
        return (int) projection.outFeatures();
    }
}
