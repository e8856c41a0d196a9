package dev.uqabench.data.synthetic;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.uqabench.base.ConfigException;

/**
 * Size and shape of a synthetic Taobao-like data set. Validated when built.
 *
 * @param users               users (rows of the pretrain files together)
 * @param items               catalog items
 * @param categories          categories (at most {@link NameBank#maxCategories()}, named)
 * @param brands              brands
 * @param shops               shops
 * @param sellers             sellers (each shop has one; shops share sellers when fewer)
 * @param minSequenceLength   shortest user sequence, history and future together (>= 2)
 * @param maxSequenceLength   longest user sequence
 * @param futureFraction      share of each sequence's last events held out as its future (at least one)
 * @param heldOutUserFraction share of users whose histories go to {@code pretrain_data_eval}
 * @param lang                "zh" or "en": the names the token ids encode
 * @param seed                seed of the one random generator behind everything
 */
public record SyntheticConfig(
        @JsonProperty("users") int users,
        @JsonProperty("items") int items,
        @JsonProperty("categories") int categories,
        @JsonProperty("brands") int brands,
        @JsonProperty("shops") int shops,
        @JsonProperty("sellers") int sellers,
        @JsonProperty("min_sequence_length") int minSequenceLength,
        @JsonProperty("max_sequence_length") int maxSequenceLength,
        @JsonProperty("future_fraction") double futureFraction,
        @JsonProperty("held_out_user_fraction") double heldOutUserFraction,
        @JsonProperty("lang") String lang,
        @JsonProperty("seed") long seed) {

    public SyntheticConfig {
        require(users >= 1, "users", users, ">= 1");
        require(categories >= 1 && categories <= NameBank.maxCategories(), "categories", categories,
                "in [1, " + NameBank.maxCategories() + "]");
        require(items >= categories, "items", items, ">= categories (" + categories + "), so every category has an item");
        require(brands >= 1, "brands", brands, ">= 1");
        require(shops >= 1, "shops", shops, ">= 1");
        require(sellers >= 1 && sellers <= shops, "sellers", sellers, "in [1, shops]");
        require(minSequenceLength >= 2, "min_sequence_length", minSequenceLength, ">= 2 (one history and one future event)");
        require(maxSequenceLength >= minSequenceLength, "max_sequence_length", maxSequenceLength, ">= min_sequence_length");
        require(futureFraction > 0 && futureFraction < 1, "future_fraction", futureFraction, "in (0, 1)");
        require(heldOutUserFraction >= 0 && heldOutUserFraction < 1, "held_out_user_fraction", heldOutUserFraction, "in [0, 1)");
        require("zh".equals(lang) || "en".equals(lang), "lang", lang, "zh or en");
        require((long) users * maxSequenceLength <= MAX_EVENTS, "users", users, "such that users × max_sequence_length"
                + " stays within " + MAX_EVENTS + " events (about " + MAX_EVENTS * BYTES_PER_EVENT / 1_000_000_000
                + " GB written); users × " + maxSequenceLength + " is " + (long) users * maxSequenceLength);
    }

    /** The most events the generator writes: about 8 GB in the release layout. */
    public static final long MAX_EVENTS = 50_000_000L;

    /** Bytes the release layout takes per event, measured on the quickstart data (49.8 MB for 315k events). */
    public static final long BYTES_PER_EVENT = 160;

    /** Bytes the generated folder will take, about. */
    public long estimatedBytes() {
        return (long) users * (minSequenceLength + maxSequenceLength) / 2 * BYTES_PER_EVENT;
    }

    /**
     * The quickstart scale: 4000 users and 2000 items, generated in seconds. 30 % of the users are held
     * out, half for validation and half for test: about 600 test users give each sub-task 250 or more
     * test questions, which is what the leak audit needs to judge a sub-task.
     */
    public static SyntheticConfig quickstart() {
        return new SyntheticConfig(4000, 2000, 40, 200, 300, 300, 20, 200, 0.1, 0.3, "zh", 42L);
    }

    public SyntheticConfig withUsers(int n) {
        return new SyntheticConfig(n, items, categories, brands, shops, sellers, minSequenceLength, maxSequenceLength,
                futureFraction, heldOutUserFraction, lang, seed);
    }

    public SyntheticConfig withCatalog(int itemCount, int categoryCount, int brandCount, int shopCount, int sellerCount) {
        return new SyntheticConfig(users, itemCount, categoryCount, brandCount, shopCount, sellerCount, minSequenceLength,
                maxSequenceLength, futureFraction, heldOutUserFraction, lang, seed);
    }

    public SyntheticConfig withSequenceLengths(int min, int max) {
        return new SyntheticConfig(users, items, categories, brands, shops, sellers, min, max, futureFraction,
                heldOutUserFraction, lang, seed);
    }

    public SyntheticConfig withLang(String language) {
        return new SyntheticConfig(users, items, categories, brands, shops, sellers, minSequenceLength, maxSequenceLength,
                futureFraction, heldOutUserFraction, language, seed);
    }

    public SyntheticConfig withSeed(long newSeed) {
        return new SyntheticConfig(users, items, categories, brands, shops, sellers, minSequenceLength, maxSequenceLength,
                futureFraction, heldOutUserFraction, lang, newSeed);
    }

    private static void require(boolean ok, String key, Object value, String expected) {
        ConfigException.require(ok, "synthetic config", key, "must be " + expected + ", got " + value);
    }
}
