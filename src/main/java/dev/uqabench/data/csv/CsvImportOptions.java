package dev.uqabench.data.csv;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Which files and columns a CSV/TSV import reads. An item attribute column left null is read from
 * the column of its default name (category, brand, shop, seller, title) when the items file has
 * one; a named column must exist.
 *
 * @param delimiter    field separator; 0 chooses by file name (tab unless the name ends in .csv)
 * @param ratingColumn rating/score column of the interactions; null: a column named rating, if any
 * @param minRating    keep interactions rated at least this (null: keep all)
 */
public record CsvImportOptions(Path interactions, Path items, char delimiter,
                               String userColumn, String itemColumn, String timeColumn,
                               String itemIdColumn, String categoryColumn, String brandColumn,
                               String shopColumn, String sellerColumn, String titleColumn,
                               boolean skipBadRows, String ratingColumn, Double minRating) {

    public CsvImportOptions {
        Objects.requireNonNull(interactions, "interactions file");
        requireName(userColumn, "--user-col");
        requireName(itemColumn, "--item-col");
        requireName(timeColumn, "--time-col");
        dev.uqabench.data.ImportNotes.checkMinRating(minRating);
        if (items != null) {
            requireName(itemIdColumn, "--item-id-col");
        }
    }

    /** Defaults: columns user, item, timestamp; items file keyed by item; attribute columns by their default names. */
    public static CsvImportOptions of(Path interactions, Path items) {
        return new CsvImportOptions(interactions, items, (char) 0, "user", "item", "timestamp", "item",
                null, null, null, null, null, false, null, null);
    }

    public CsvImportOptions withSkipBadRows(boolean skip) {
        return new CsvImportOptions(interactions, items, delimiter, userColumn, itemColumn, timeColumn, itemIdColumn,
                categoryColumn, brandColumn, shopColumn, sellerColumn, titleColumn, skip, ratingColumn, minRating);
    }

    public CsvImportOptions withMinRating(Double rating) {
        return new CsvImportOptions(interactions, items, delimiter, userColumn, itemColumn, timeColumn, itemIdColumn,
                categoryColumn, brandColumn, shopColumn, sellerColumn, titleColumn, skipBadRows, ratingColumn, rating);
    }

    /** The rating column's name: the one given, or the default "rating". */
    public String ratingColumnName() {
        return ratingColumn != null ? ratingColumn : "rating";
    }

    public char delimiterFor(Path file) {
        return delimiter != 0 ? delimiter : DelimitedFile.delimiterFor(file);
    }

    private static void requireName(String name, String what) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException(what + ": a column name is required");
        }
    }
}
