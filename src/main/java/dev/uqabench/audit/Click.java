package dev.uqabench.audit;

import dev.uqabench.data.Event;
import dev.uqabench.data.EventText;
import dev.uqabench.data.Feature;

/** One click's readable names, as the questions write them. */
public record Click(String title, String category, String brand, String shop) {

    /** The attributes a question can ask about, as named in {@code facts.attribute}. */
    public static final String[] ATTRIBUTES = {"title", "category", "brand", "shop"};

    public static Click of(Event event, EventText text) {
        return new Click(name(event, text, Feature.TITLE_TOKENS), name(event, text, Feature.CATEGORY_TOKENS),
                name(event, text, Feature.BRAND_TOKENS), name(event, text, Feature.SHOP_TOKENS));
    }

    private static String name(Event event, EventText text, Feature feature) {
        String value = text.text(event, feature);
        return value == null ? "" : value.strip();
    }

    /** The click's name for an attribute; null for an unknown attribute. */
    public String get(String attribute) {
        if (attribute == null) {
            return null;
        }
        return switch (attribute) {
            case "title" -> title;
            case "category" -> category;
            case "brand" -> brand;
            case "shop" -> shop;
            default -> null;
        };
    }
}
