package dev.uqabench.data.skewed;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.uqabench.base.ConfigException;

/**
 * What {@link SkewedLogGenerator} makes: a film-ratings-like log.
 *
 * @param users        users (each rates at least {@code minEvents} films)
 * @param items        films in the catalogue
 * @param seed         the one seed everything is drawn from
 * @param format       RecBole atomic files or CSV
 * @param zipfExponent item popularity falls as {@code rank^-zipfExponent}
 * @param tieChance    chance that a rating in a session is entered in the same second as the previous one
 */
public record SkewedLogConfig(int users, int items, long seed, Format format, double zipfExponent, double tieChance) {

    /** Output files: {@code NAME.inter}/{@code NAME.item} (RecBole) or {@code interactions.csv}/{@code items.csv}. */
    public enum Format {
        @JsonProperty("recbole") RECBOLE,
        @JsonProperty("csv") CSV
    }

    /** Fewest ratings per user; the importers' default {@code --min-events} is 5. */
    public static final int MIN_EVENTS = 20;

    public SkewedLogConfig {
        require(users >= 1 && users <= 1_000_000, "--users", "expected 1 to 1000000, got " + users);
        require(items >= 2 * MIN_EVENTS && items <= 10_000_000, "--items", "expected " + 2 * MIN_EVENTS
                + " to 10000000 (a user rates at least " + MIN_EVENTS + " distinct films), got " + items);
        require(format != null, "--format", "expected recbole or csv");
        require(zipfExponent > 0 && zipfExponent <= 3, "zipf_exponent", "expected (0, 3], got " + zipfExponent);
        require(tieChance >= 0 && tieChance < 1, "tie_chance", "expected [0, 1), got " + tieChance);
    }

    private static void require(boolean condition, String key, String problem) {
        ConfigException.require(condition, "synth-log", key, problem);
    }

    /** Zipf exponent 1, ties like MovieLens' rating bursts. */
    public static SkewedLogConfig of(int users, int items, long seed, Format format) {
        return new SkewedLogConfig(users, items, seed, format, 1.0, 0.7);
    }
}
