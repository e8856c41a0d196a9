package dev.uqabench.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * One click: the five ids and the five token-id lists of the release layout.
 *
 * @param tokens token ids per text feature, indexed like {@link #TEXT_FEATURES}
 */
public record Event(long item, long category, long brand, long shop, long seller, long[][] tokens) {

    /** The text features in the order of {@link #tokens()}. */
    public static final Feature[] TEXT_FEATURES = {
        Feature.TITLE_TOKENS, Feature.CATEGORY_TOKENS, Feature.SHOP_TOKENS,
        Feature.BRAND_TOKENS, Feature.SELLER_TOKENS
    };

    public Event {
        Objects.requireNonNull(tokens, "tokens");
        if (tokens.length != TEXT_FEATURES.length) {
            throw new IllegalArgumentException("expected " + TEXT_FEATURES.length + " token lists, got " + tokens.length);
        }
    }

    /** The ids of one feature for this event (one id, or the token ids). */
    public long[] values(Feature feature) {
        return switch (feature) {
            case ITEM -> new long[] {item};
            case CATEGORY -> new long[] {category};
            case BRAND -> new long[] {brand};
            case SHOP -> new long[] {shop};
            case SELLER -> new long[] {seller};
            case TITLE_TOKENS -> tokens[0];
            case CATEGORY_TOKENS -> tokens[1];
            case SHOP_TOKENS -> tokens[2];
            case BRAND_TOKENS -> tokens[3];
            case SELLER_TOKENS -> tokens[4];
        };
    }

    /** The id of an id feature (item, category, brand, shop, seller). */
    public long id(Feature feature) {
        return switch (feature) {
            case ITEM -> item;
            case CATEGORY -> category;
            case BRAND -> brand;
            case SHOP -> shop;
            case SELLER -> seller;
            default -> throw new IllegalArgumentException(feature + " is a token feature, not an id");
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Event e && item == e.item && category == e.category && brand == e.brand
                && shop == e.shop && seller == e.seller && Arrays.deepEquals(tokens, e.tokens);
    }

    @Override
    public int hashCode() {
        return Objects.hash(item, category, brand, shop, seller, Arrays.deepHashCode(tokens));
    }

    @Override
    public String toString() {
        return "Event[item=" + item + ", category=" + category + ", brand=" + brand + ", shop=" + shop
                + ", seller=" + seller + ", tokens=" + Arrays.deepToString(tokens) + "]";
    }
}
