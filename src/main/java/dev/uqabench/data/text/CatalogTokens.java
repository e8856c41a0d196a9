package dev.uqabench.data.text;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.uqabench.data.Catalog;
import dev.uqabench.data.CatalogItem;
import dev.uqabench.data.Event;
import dev.uqabench.base.UqaException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Token ids of every catalog item's title and names, encoded with a {@code tokenizer.json}, in
 * the order of {@link Event#TEXT_FEATURES}. Arrays are shared by all events of an item: treat them
 * as read-only.
 */
public final class CatalogTokens {

    private final Map<Long, long[][]> byItem;

    private CatalogTokens(Map<Long, long[][]> byItem) {
        this.byItem = byItem;
    }

    /** Builds the word-level tokenizer over the catalog's names and titles, writes it to {@code tokenizerFile}, and encodes the catalog with it. */
    public static CatalogTokens buildTokenizer(Catalog catalog, Path tokenizerFile) {
        WordTokenizerBuilder.write(corpus(catalog), tokenizerFile);
        return encode(catalog, tokenizerFile);
    }

    /** Every distinct title and name of the catalog, in catalog order. */
    public static List<String> corpus(Catalog catalog) {
        Set<String> texts = new LinkedHashSet<>();
        for (CatalogItem item : catalog.items()) {
            for (var feature : Event.TEXT_FEATURES) {
                texts.add(item.text(feature));
            }
        }
        return new ArrayList<>(texts);
    }

    /**
     * Encodes the catalog with a word-level tokenizer made by {@link WordTokenizerBuilder}; each
     * distinct text, and within it each distinct word, is encoded once.
     */
    public static CatalogTokens encode(Catalog catalog, Path tokenizerFile) {
        Map<String, long[]> encoded = new HashMap<>();
        Map<Long, long[][]> byItem = new HashMap<>();
        try (HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(tokenizerFile,
                Map.of("truncation", "false", "padding", "false", "addSpecialTokens", "false"))) {
            WordCache words = new WordCache(tokenizer);
            for (CatalogItem item : catalog.items()) {
                long[][] tokens = new long[Event.TEXT_FEATURES.length][];
                for (int t = 0; t < tokens.length; t++) {
                    tokens[t] = encoded.computeIfAbsent(item.text(Event.TEXT_FEATURES[t]), words::ids);
                }
                byItem.put(item.item(), tokens);
            }
        } catch (IOException | RuntimeException e) {
            throw new UqaException("feature tokenizer " + tokenizerFile + ": cannot encode the catalog (" + e.getMessage() + ")", e);
        }
        return new CatalogTokens(byItem);
    }

    /** The five token-id lists of an item. */
    public long[][] tokens(long item) {
        long[][] tokens = byItem.get(item);
        if (tokens == null) {
            throw new IllegalArgumentException("item " + item + " is not in the catalog");
        }
        return tokens;
    }

    /** A click on {@code item}: its ids from the catalog and its shared token ids. */
    public Event event(CatalogItem item) {
        return new Event(item.item(), item.category(), item.brand(), item.shop(), item.seller(), tokens(item.item()));
    }

    /** Largest token id in use plus one: a lower bound on the token table size. */
    public long maxTokenIdPlusOne() {
        long max = -1;
        for (long[][] tokens : byItem.values()) {
            for (long[] ids : tokens) {
                for (long id : ids) {
                    max = Math.max(max, id);
                }
            }
        }
        return max + 1;
    }
}
