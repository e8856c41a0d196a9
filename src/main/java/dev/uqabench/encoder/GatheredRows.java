package dev.uqabench.encoder;

import dev.uqabench.data.Feature;
import dev.uqabench.data.Table;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import org.bytedeco.pytorch.Tensor;

/**
 * The rows of some embedding tables that one training step touches, copied out as leaf tensors.
 * The forward pass reads these instead of the full tables, so backward produces gradients for
 * the touched rows only and the optimizer updates just them: with a million-row item table a step
 * then costs what the batch touches, not a pass over every row.
 *
 * <p>Create inside the step's {@code PointerScope}; ids must already be validated against the
 * table sizes ({@link FeatureEmbedding#validate}).
 */
public final class GatheredRows {

    private final Map<Table, long[]> ids = new EnumMap<>(Table.class);   // sorted, unique
    private final Map<Table, Tensor> rows = new EnumMap<>(Table.class);  // leaf [ids, width], requires grad

    private GatheredRows() {
    }

    /**
     * Gathers, for each table in {@code tables}, the rows the batch reads, plus {@code extraItemIds}
     * for the item table (e.g. sampled candidates scored by the loss).
     */
    public static GatheredRows gather(FeatureEmbedding embedding, EventBatch batch, Set<Table> tables,
                                      long[] extraItemIds) {
        embedding.validate(batch);
        GatheredRows gathered = new GatheredRows();
        for (Table table : tables) {
            long[] all = new long[0];
            for (Feature feature : embedding.featureSet().features()) {
                if (feature.table() == table) {
                    all = concat(all, batch.valueArray(feature));
                }
            }
            if (table == Table.ITEM && extraItemIds != null) {
                all = concat(all, extraItemIds);
            }
            long[] unique = Arrays.stream(all).sorted().distinct().toArray();
            Tensor index = Tensor.create(unique, unique.length);
            Tensor leaf = embedding.table(table).index_select(0, index).detach();
            leaf.set_requires_grad(true);
            gathered.ids.put(table, unique);
            gathered.rows.put(table, leaf);
        }
        return gathered;
    }

    public boolean has(Table table) {
        return rows.containsKey(table);
    }

    public Set<Table> tables() {
        return rows.keySet();
    }

    /** Global ids of the gathered rows, ascending. */
    public long[] ids(Table table) {
        return ids.get(table);
    }

    /** The gathered rows, a leaf {@code [ids, width]} whose gradient the optimizer applies. */
    public Tensor rows(Table table) {
        return rows.get(table);
    }

    /** Positions of {@code globalIds} among the gathered ids, int64 {@code [n]}. */
    public Tensor localIndex(Table table, long[] globalIds) {
        long[] sorted = ids.get(table);
        long[] local = new long[globalIds.length];
        for (int i = 0; i < globalIds.length; i++) {
            int at = Arrays.binarySearch(sorted, globalIds[i]);
            if (at < 0) {
                throw new IllegalArgumentException("id " + globalIds[i] + " of table " + table.key() + " was not gathered");
            }
            local[i] = at;
        }
        return Tensor.create(local, local.length);
    }

    private static long[] concat(long[] a, long[] b) {
        long[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
