package dev.uqabench.encoder;

import dev.uqabench.data.Table;
import dev.uqabench.base.UqaException;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * Vocabulary size of every embedding table (the {@code dataset.json} figures): ids must lie in
 * {@code [0, size)}. Built once per data set; the encoder checkpoint records it so that a model is
 * never fed ids from a larger catalog than it was built for.
 *
 * @param sizes rows per table; every {@link Table} must be present and positive
 */
public record TableSizes(Map<Table, Long> sizes) {

    public TableSizes {
        EnumMap<Table, Long> copy = new EnumMap<>(Table.class);
        for (Table table : Table.values()) {
            Long size = sizes.get(table);
            if (size == null) {
                throw new UqaException("table sizes: missing '" + table.key() + "'");
            }
            if (size <= 0) {
                throw new UqaException("table sizes: '" + table.key() + "' must be positive, got " + size);
            }
            copy.put(table, size);
        }
        sizes = Collections.unmodifiableMap(copy);
    }

    /** The same size for every table (tests, toy data). */
    public static TableSizes uniform(long size) {
        EnumMap<Table, Long> map = new EnumMap<>(Table.class);
        for (Table table : Table.values()) {
            map.put(table, size);
        }
        return new TableSizes(map);
    }

    /** Sizes keyed by {@link Table#key()}, as in {@code dataset.json}; unknown keys are an error. */
    public static TableSizes fromKeys(Map<String, Long> byKey) {
        EnumMap<Table, Long> map = new EnumMap<>(Table.class);
        for (Map.Entry<String, Long> e : byKey.entrySet()) {
            Table table = null;
            for (Table t : Table.values()) {
                if (t.key().equals(e.getKey())) {
                    table = t;
                }
            }
            if (table == null) {
                throw new UqaException("table sizes: unknown table '" + e.getKey() + "'");
            }
            map.put(table, e.getValue());
        }
        return new TableSizes(map);
    }

    public long size(Table table) {
        return sizes.get(table);
    }

    /** Sizes keyed by {@link Table#key()} (for JSON). */
    public Map<String, Long> byKey() {
        Map<String, Long> out = new java.util.LinkedHashMap<>();
        sizes.forEach((t, s) -> out.put(t.key(), s));
        return out;
    }
}
