package dev.uqabench.data.text;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Encodes texts with the word-level tokenizer one space-separated word at a time, caching each
 * word. A DJL encode costs tens of microseconds (many JNI calls per {@link Encoding}); catalog
 * titles repeat the same few words, so a million titles need only the distinct words encoded.
 *
 * <p>Exact for the {@link WordTokenizerBuilder} pre-tokenizer: a space is always a piece of its
 * own and no other piece can contain one, so the pieces of {@code "a b"} are those of {@code "a"},
 * then {@code " "}, then those of {@code "b"}. Not valid for BPE tokenizers (Qwen2), whose pieces
 * carry their leading space.
 */
final class WordCache {

    private final HuggingFaceTokenizer tokenizer;
    private final Map<String, String[]> pieces = new HashMap<>();
    private final Map<String, long[]> ids = new HashMap<>();
    private long spaceId = -1;

    WordCache(HuggingFaceTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /** The pre-tokenizer's pieces of {@code text}, from the Rust spans of each word. */
    List<String> pieces(String text) {
        List<String> out = new ArrayList<>();
        int start = 0;
        while (true) {
            int space = text.indexOf(' ', start);
            String word = text.substring(start, space < 0 ? text.length() : space);
            if (!word.isEmpty()) {
                out.addAll(Arrays.asList(pieces.computeIfAbsent(word, this::splitWord)));
            }
            if (space < 0) {
                return out;
            }
            out.add(" ");
            start = space + 1;
        }
    }

    /** Token ids of {@code text}, equal to encoding it whole. */
    long[] ids(String text) {
        if (text.indexOf(' ') < 0) {
            return text.isEmpty() ? new long[0] : ids.computeIfAbsent(text, this::encodeWord).clone();
        }
        if (spaceId < 0) {
            spaceId = encodeWord(" ")[0];
        }
        long[] out = new long[16];
        int length = 0;
        int start = 0;
        while (true) {
            int space = text.indexOf(' ', start);
            String word = text.substring(start, space < 0 ? text.length() : space);
            long[] wordIds = word.isEmpty() ? new long[0] : ids.computeIfAbsent(word, this::encodeWord);
            if (length + wordIds.length + 1 > out.length) {
                out = Arrays.copyOf(out, 2 * (length + wordIds.length + 1));
            }
            System.arraycopy(wordIds, 0, out, length, wordIds.length);
            length += wordIds.length;
            if (space < 0) {
                return Arrays.copyOf(out, length);
            }
            out[length++] = spaceId;
            start = space + 1;
        }
    }

    private long[] encodeWord(String word) {
        return tokenizer.encode(word, false, false).getIds();
    }

    private String[] splitWord(String word) {
        CharSpan[] spans = tokenizer.encode(word, false, false).getCharTokenSpans();
        // spans count Unicode code points (Rust chars), not UTF-16 units
        boolean bmpOnly = word.length() == word.codePointCount(0, word.length());
        String[] out = new String[spans.length];
        for (int i = 0; i < spans.length; i++) {
            int start = bmpOnly ? spans[i].getStart() : word.offsetByCodePoints(0, spans[i].getStart());
            int end = bmpOnly ? spans[i].getEnd() : word.offsetByCodePoints(0, spans[i].getEnd());
            out[i] = word.substring(start, end);
        }
        return out;
    }
}
