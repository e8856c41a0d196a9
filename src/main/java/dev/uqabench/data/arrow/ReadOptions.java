package dev.uqabench.data.arrow;

import dev.uqabench.data.Table;

import java.util.EnumMap;
import java.util.Map;

/**
 * How strictly a release file is read.
 *
 * @param skipBadRows skip rows that fail validation (counted in {@link BadRows}) instead of failing
 * @param tableSizes  declared table sizes; ids must be {@code < size}. Tables absent here are not checked
 */
public record ReadOptions(boolean skipBadRows, Map<Table, Long> tableSizes) {

    public static final ReadOptions STRICT = new ReadOptions(false, Map.of());

    public ReadOptions {
        tableSizes = tableSizes.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(tableSizes));
        tableSizes.forEach((table, size) -> {
            if (size < 1) {
                throw new IllegalArgumentException("table size of " + table.key() + " must be >= 1, got " + size);
            }
        });
    }

    public ReadOptions withSkipBadRows(boolean skip) {
        return new ReadOptions(skip, tableSizes);
    }

    public ReadOptions withTableSizes(Map<Table, Long> sizes) {
        return new ReadOptions(skipBadRows, sizes);
    }

    /** Exclusive upper bound for ids of {@code table}, or {@link Long#MAX_VALUE} when unchecked. */
    long limit(Table table) {
        return tableSizes.getOrDefault(table, Long.MAX_VALUE);
    }
}
