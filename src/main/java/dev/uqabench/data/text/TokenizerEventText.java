package dev.uqabench.data.text;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.uqabench.data.Event;
import dev.uqabench.data.EventText;
import dev.uqabench.data.Feature;
import dev.uqabench.base.UqaException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Event text decoded from the event's token ids with a {@code tokenizer.json}: the Qwen2
 * tokenizer for the real release ({@code --feature-tokenizer DIR}), or the word-level tokenizer
 * written beside our generated and imported data.
 *
 * <p>Decoding is cached by the id the text belongs to (title by item id, category name by
 * category id, and so on): the same item recurs across many users, and a long history would
 * otherwise decode the same ids again and again. Id 0 (unknown) is never cached.
 */
public final class TokenizerEventText implements EventText, AutoCloseable {

    /** Bound on cached texts per feature, so a million-item catalog cannot exhaust memory. */
    private static final int MAX_CACHED = 1 << 20;

    private final HuggingFaceTokenizer tokenizer;
    private final Path source;
    private final Map<Feature, Map<Long, String>> cache = new EnumMap<>(Feature.class);

    private TokenizerEventText(HuggingFaceTokenizer tokenizer, Path source) {
        this.tokenizer = tokenizer;
        this.source = source;
        for (Feature feature : Event.TEXT_FEATURES) {
            cache.put(feature, new ConcurrentHashMap<>());
        }
    }

    /** Opens {@code tokenizer.json}, given either the file or the folder holding it. */
    public static TokenizerEventText open(Path fileOrDirectory) {
        Path file = Files.isDirectory(fileOrDirectory) ? fileOrDirectory.resolve("tokenizer.json") : fileOrDirectory;
        if (!Files.isRegularFile(file)) {
            throw new UqaException("feature tokenizer: no tokenizer.json at " + file);
        }
        try {
            HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(file,
                    Map.of("truncation", "false", "padding", "false", "addSpecialTokens", "false"));
            return new TokenizerEventText(tokenizer, file);
        } catch (IOException | RuntimeException e) {
            throw new UqaException("feature tokenizer " + file + ": cannot load (" + e.getMessage() + ")", e);
        }
    }

    public Path source() {
        return source;
    }

    @Override
    public String text(Event event, Feature textFeature) {
        long key = switch (textFeature) {
            case TITLE_TOKENS -> event.item();
            case CATEGORY_TOKENS -> event.category();
            case BRAND_TOKENS -> event.brand();
            case SHOP_TOKENS -> event.shop();
            case SELLER_TOKENS -> event.seller();
            default -> throw new IllegalArgumentException(textFeature + " is an id feature, not text");
        };
        long[] ids = event.values(textFeature);
        if (key <= 0) {
            return decode(ids);
        }
        Map<Long, String> texts = cache.get(textFeature);
        String cached = texts.get(key);
        if (cached != null) {
            return cached;
        }
        String text = decode(ids);
        if (texts.size() < MAX_CACHED) {
            texts.put(key, text);
        }
        return text;
    }

    /** Decodes token ids, dropping special tokens (padding, chat markers). */
    public String decode(long[] ids) {
        if (ids.length == 0) {
            return "";
        }
        return tokenizer.decode(ids, true);
    }

    /** Token ids of a text, without special tokens added. */
    public long[] encode(String text) {
        return tokenizer.encode(text, false, false).getIds();
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
