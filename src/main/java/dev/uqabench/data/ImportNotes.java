package dev.uqabench.data;

import java.util.List;
import java.util.Locale;

/**
 * What importers tell about a log beside its clicks: warnings for {@code dataset.json} and stderr
 * (tied timestamps, ratings read as clicks) and the nouns questions should use, guessed from field names.
 */
public final class ImportNotes {

    /** Share of events in ties at or above which tied timestamps are warned about. */
    public static final double TIED_SHARE = 0.10;

    private ImportNotes() {
    }

    /** The warning for a tied share, or null below {@link #TIED_SHARE}. */
    public static String tiedWarning(double share) {
        if (share < TIED_SHARE) {
            return null;
        }
        return String.format(java.util.Locale.ROOT, "%.0f %% of the clicks read share a timestamp with another click of the same user:"
                + " their order within a tie is file order, so 'next click' and position questions are partly arbitrary",
                100 * share);
    }

    /** The warning for clicks that repeat an earlier one exactly (same user, item and time), or null for none. */
    public static String repeatsWarning(long repeats, long clicks) {
        if (repeats == 0) {
            return null;
        }
        return repeats + " of " + clicks + " clicks repeat an earlier click exactly (same user, item and time); they are"
                + " kept as clicks of their own (drop repeated rows before importing if they are double logging)";
    }

    /**
     * The ratings-as-clicks warning: a ratings log read as a click log.
     *
     * @param kind "field" (RecBole) or "column" (CSV)
     */
    public static String ratingWarning(String kind, String name, Double minRating, long dropped, long rows) {
        String head = "the interactions carry a rating " + kind + " '" + name + "': ";
        if (minRating == null) {
            return head + "every rating is treated as a click; ratings are ignored"
                    + " — filter with --min-rating if only positive feedback should count";
        }
        return head + dropped + " of " + rows + " interactions rated below " + format(minRating)
                + " were dropped (--min-rating); every kept rating is treated as a click";
    }

    /** {@code --min-rating} must be a finite number (NaN would keep every row, infinity none). */
    public static void checkMinRating(Double minRating) {
        if (minRating != null && !Double.isFinite(minRating)) {
            throw new dev.uqabench.base.UqaException("--min-rating: expected a finite number, got " + minRating);
        }
    }

    /** Fails when {@code --min-rating} dropped every one of the {@code rows} interactions of {@code file}. */
    public static void requireSomeKept(java.nio.file.Path file, Double minRating, long dropped, long rows) {
        if (minRating != null && rows > 0 && dropped == rows) {
            throw new dev.uqabench.base.UqaException(file + ": --min-rating " + format(minRating) + " dropped all " + rows
                    + " interactions (every rating is below it); nothing would be imported");
        }
    }

    private static String format(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }

    /**
     * Nouns chosen from the field names: a category read from genre/genres/class is a "genre", an
     * item with a movie_title a "film" (as in RecBole's MovieLens files).
     */
    public static void guessNouns(InteractionLog log, String categoryField, String titleField) {
        if (categoryField != null && List.of("genre", "genres", "class").contains(categoryField.toLowerCase(Locale.ROOT))) {
            log.noun("category", "genre");
        }
        if (titleField != null && List.of("movie_title", "film_title").contains(titleField.toLowerCase(Locale.ROOT))) {
            log.noun("item", "film");
        }
    }

    /**
     * The message for an items-file row that gives an item other attributes than an earlier row did: the first row
     * would silently win otherwise.
     */
    public static String conflictingItem(String where, String key, InteractionLog.ItemText earlier) {
        List<String> parts = new java.util.ArrayList<>();
        if (earlier.title() != null) parts.add("title '" + earlier.title() + "'");
        if (earlier.category() != null) parts.add("category '" + earlier.category() + "'");
        if (earlier.brand() != null) parts.add("brand '" + earlier.brand() + "'");
        if (earlier.shop() != null) parts.add("shop '" + earlier.shop() + "'");
        if (earlier.seller() != null) parts.add("seller '" + earlier.seller() + "'");
        return where + ": item '" + key + "' appears again with other attributes than an earlier row gave it ("
                + String.join(", ", parts) + "); give each item one row (--skip-bad-rows keeps the first)";
    }
}
