package dev.uqabench.qa;

import dev.uqabench.data.Event;
import dev.uqabench.data.EventText;
import dev.uqabench.data.Feature;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Decodes each item's, category's, brand's, shop's and seller's text once and remembers it by id
 * (least recently used first out), because decoding BPE ids is the slow part of building questions
 * and the same ids recur across users (synchronized: evaluations may run side by side). Assumes, as in the
 * UQABench release, that an id always
 * carries the same text.
 */
public final class CachedEventText implements EventText {

    private final EventText decoder;
    private final Map<Feature, LinkedHashMap<Long, String>> caches = new EnumMap<>(Feature.class);

    /** @param capacity most remembered texts per feature */
    public CachedEventText(EventText decoder, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive, got " + capacity);
        }
        this.decoder = decoder;
        for (Feature feature : Event.TEXT_FEATURES) {
            caches.put(feature, new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<Long, String> eldest) {
                    return size() > capacity;
                }
            });
        }
    }

    @Override
    public synchronized String text(Event event, Feature textFeature) {
        LinkedHashMap<Long, String> cache = caches.get(textFeature);
        if (cache == null) {
            throw new IllegalArgumentException(textFeature + " is not a text feature");
        }
        long id = event.id(idOf(textFeature));
        String text = cache.get(id);
        if (text == null) {
            text = decoder.text(event, textFeature);
            cache.put(id, text);
        }
        return text;
    }

    private static Feature idOf(Feature textFeature) {
        return switch (textFeature) {
            case TITLE_TOKENS -> Feature.ITEM;
            case CATEGORY_TOKENS -> Feature.CATEGORY;
            case BRAND_TOKENS -> Feature.BRAND;
            case SHOP_TOKENS -> Feature.SHOP;
            case SELLER_TOKENS -> Feature.SELLER;
            default -> throw new IllegalArgumentException(textFeature + " is not a text feature");
        };
    }
}
