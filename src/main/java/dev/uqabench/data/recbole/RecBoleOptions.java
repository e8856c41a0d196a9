package dev.uqabench.data.recbole;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * What a RecBole import reads.
 *
 * @param dataset   file stem (NAME.inter); null: the folder name, or the only .inter file
 * @param mapping   our feature (category, brand, shop, seller, title) -> RecBole item field
 * @param minRating keep interactions rated at least this (null: keep all)
 */
public record RecBoleOptions(Path directory, String dataset, String userField, String itemField, String timeField,
                             String ratingField, Double minRating, Map<String, String> mapping, boolean skipBadRows) {

    public RecBoleOptions {
        Objects.requireNonNull(directory, "directory");
        mapping = Map.copyOf(mapping);
        dev.uqabench.data.ImportNotes.checkMinRating(minRating);
        RecBoleImporter.validateFeatures(mapping, "--map");
    }

    /** RecBole's usual field names: user_id, item_id, timestamp, rating. */
    public static RecBoleOptions of(Path directory) {
        return new RecBoleOptions(directory, null, "user_id", "item_id", "timestamp", "rating", null, Map.of(), false);
    }

    public RecBoleOptions withMapping(Map<String, String> newMapping) {
        return new RecBoleOptions(directory, dataset, userField, itemField, timeField, ratingField, minRating, newMapping,
                skipBadRows);
    }

    public RecBoleOptions withSkipBadRows(boolean skip) {
        return new RecBoleOptions(directory, dataset, userField, itemField, timeField, ratingField, minRating, mapping, skip);
    }

    public RecBoleOptions withMinRating(Double rating) {
        return new RecBoleOptions(directory, dataset, userField, itemField, timeField, ratingField, rating, mapping,
                skipBadRows);
    }
}
