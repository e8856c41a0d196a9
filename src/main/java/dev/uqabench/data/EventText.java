package dev.uqabench.data;

/**
 * Readable text of an event's attributes, recovered from its token ids (the release ships no
 * plain text, only BPE ids), so one path serves the real release and our own data.
 */
public interface EventText {

    /** Decoded text of one text feature of the event. */
    String text(Event event, Feature textFeature);

    default String title(Event event) {
        return text(event, Feature.TITLE_TOKENS);
    }

    default String category(Event event) {
        return text(event, Feature.CATEGORY_TOKENS);
    }

    default String brand(Event event) {
        return text(event, Feature.BRAND_TOKENS);
    }

    default String shop(Event event) {
        return text(event, Feature.SHOP_TOKENS);
    }
}
