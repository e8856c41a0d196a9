package dev.uqabench.encoder;

import dev.uqabench.base.UqaException;
import dev.uqabench.data.Table;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * Where each id of the data finds its embedding row. A table is either kept whole (row = id, as many
 * rows as the catalogue has ids) or <em>compacted</em> to the ids that occur in the data: row 0 stands
 * for every id the data never showed (an out-of-vocabulary row, as recommenders keep one), rows
 * {@code 1..n} for the occurring ids in ascending order. With the release's 994,447-item catalogue and a
 * few hundred users, compaction sizes the item table, its optimizer state and the full-softmax logits
 * to the tens of thousands of items that occur, instead of the whole catalogue.
 *
 * <p>The mapping travels with the encoder checkpoint ({@code table_ids.safetensors}), so alignment and
 * evaluation read ids the way pretraining did.
 */
public final class TableRows {

    /** Row of every id the data used to build the mapping never showed (compacted tables only). */
    public static final long UNSEEN_ROW = 0;

    private final TableSizes catalogue;
    private final Map<Table, long[]> occurring; // compacted tables: sorted, unique ids

    private TableRows(TableSizes catalogue, Map<Table, long[]> occurring) {
        this.catalogue = catalogue;
        this.occurring = occurring;
    }

    /** Every table whole: row = id. */
    public static TableRows identity(TableSizes catalogue) {
        return new TableRows(catalogue, Map.of());
    }

    /**
     * The tables in {@code occurring} compacted to those ids, the others whole.
     *
     * @param occurring per table, the ids the data holds: ascending, unique, each inside the catalogue
     */
    public static TableRows compacted(TableSizes catalogue, Map<Table, long[]> occurring) {
        EnumMap<Table, long[]> copy = new EnumMap<>(Table.class);
        occurring.forEach((table, ids) -> {
            for (int i = 0; i < ids.length; i++) {
                if (ids[i] < 0 || ids[i] >= catalogue.size(table) || (i > 0 && ids[i] <= ids[i - 1])) {
                    throw new UqaException("table '" + table.key() + "': occurring ids must be ascending, unique and in [0, "
                            + catalogue.size(table) + "); got " + ids[i] + " at " + i);
                }
            }
            copy.put(table, ids.clone());
        });
        return new TableRows(catalogue, Collections.unmodifiableMap(copy));
    }

    /** The catalogue's id ranges (dataset.json). */
    public TableSizes catalogue() {
        return catalogue;
    }

    /** Rows of each embedding table: the occurring ids plus the unseen row for compacted tables, the catalogue's size otherwise. */
    public TableSizes rows() {
        EnumMap<Table, Long> sizes = new EnumMap<>(Table.class);
        for (Table table : Table.values()) {
            long[] ids = occurring.get(table);
            sizes.put(table, ids == null ? catalogue.size(table) : ids.length + 1L);
        }
        return new TableSizes(sizes);
    }

    public boolean isCompacted(Table table) {
        return occurring.containsKey(table);
    }

    /** The compacted tables' occurring ids (ascending), by table. */
    public Map<Table, long[]> occurring() {
        return occurring;
    }

    /** The row of {@code id}: the id itself for whole tables; its rank + 1, or {@link #UNSEEN_ROW}, for compacted ones. */
    public long row(Table table, long id) {
        long[] ids = occurring.get(table);
        if (ids == null) {
            return id;
        }
        int at = Arrays.binarySearch(ids, id);
        return at < 0 ? UNSEEN_ROW : at + 1L;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        for (Table table : Table.values()) {
            s.append(s.length() == 0 ? "" : ", ").append(table.key()).append(' ');
            s.append(isCompacted(table) ? rows().size(table) + " of " + catalogue.size(table) : catalogue.size(table) + " (whole)");
        }
        return s.toString();
    }
}
