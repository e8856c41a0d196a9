package dev.uqabench.data.text;

import dev.uqabench.base.Json;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.uqabench.base.AtomicFiles;
import dev.uqabench.base.UqaException;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a word-level Hugging Face {@code tokenizer.json} for the names and titles of a catalog,
 * so that our generated and imported data carry token ids exactly like the release carries Qwen2
 * BPE ids, and one decoder ({@link TokenizerEventText}) serves both.
 *
 * <p>Pieces: a run of Chinese characters, an English word, each digit, each whitespace character
 * and each other symbol. The {@code Fuse} decoder concatenates pieces, so decoding returns the
 * exact text. The vocabulary is collected from the spans the Rust pre-tokenizer itself produces
 * (not from a Java re-implementation of the regex), so every corpus piece is in the vocabulary;
 * distinct words are split once ({@link WordCache}).
 */
public final class WordTokenizerBuilder {

    /** Special tokens, given the first ids in this order (chat markers as in Qwen2). */
    public static final List<String> SPECIAL_TOKENS =
            List.of("<|endoftext|>", "<|im_start|>", "<|im_end|>", "<unk>", "<pad>");
    public static final String UNKNOWN = "<unk>";
    public static final String PAD = "<pad>";
    /** Split pattern of the pre-tokenizer (Oniguruma syntax, as in the Rust tokenizers crate). */
    public static final String PIECE_PATTERN = "\\p{Han}+|[A-Za-z]+|\\d|\\s|[^\\p{Han}A-Za-z\\d\\s]";

    private static final ObjectMapper JSON = Json.pretty();

    private WordTokenizerBuilder() {
    }

    /** Builds the tokenizer from {@code corpus} and writes it atomically to {@code file}; returns the vocabulary. */
    public static Map<String, Integer> write(Collection<String> corpus, Path file) {
        Map<String, Integer> vocabulary = vocabulary(corpus);
        AtomicFiles.writeString(file, toJson(vocabulary));
        return vocabulary;
    }

    /** Special tokens first, then corpus pieces by falling frequency (ties by text), so ids are deterministic. */
    public static Map<String, Integer> vocabulary(Collection<String> corpus) {
        Map<String, Integer> specialsOnly = new LinkedHashMap<>();
        for (String token : SPECIAL_TOKENS) {
            specialsOnly.put(token, specialsOnly.size());
        }
        Map<String, Long> counts = new HashMap<>();
        try (HuggingFaceTokenizer splitter = load(toJson(specialsOnly))) {
            WordCache words = new WordCache(splitter);
            for (String text : corpus) {
                if (text == null || text.isEmpty()) {
                    continue;
                }
                for (String piece : words.pieces(text)) {
                    counts.merge(piece, 1L, Long::sum);
                }
            }
        }
        List<Map.Entry<String, Long>> pieces = new ArrayList<>(counts.entrySet());
        pieces.sort(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
        Map<String, Integer> vocabulary = new LinkedHashMap<>(specialsOnly);
        for (Map.Entry<String, Long> piece : pieces) {
            vocabulary.putIfAbsent(piece.getKey(), vocabulary.size());
        }
        return vocabulary;
    }

    /** The {@code tokenizer.json} text for a vocabulary whose first entries are {@link #SPECIAL_TOKENS}. */
    public static String toJson(Map<String, Integer> vocabulary) {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        for (String token : SPECIAL_TOKENS) {
            Integer id = vocabulary.get(token);
            if (id == null) {
                throw new IllegalArgumentException("vocabulary lacks special token " + token);
            }
            ObjectNode entry = added.addObject();
            entry.put("id", id);
            entry.put("content", token);
            entry.put("single_word", false);
            entry.put("lstrip", false);
            entry.put("rstrip", false);
            entry.put("normalized", false);
            entry.put("special", true);
        }
        root.putNull("normalizer");
        ObjectNode split = root.putObject("pre_tokenizer");
        split.put("type", "Split");
        split.putObject("pattern").put("Regex", PIECE_PATTERN);
        split.put("behavior", "Isolated");
        split.put("invert", false);
        root.putNull("post_processor");
        root.putObject("decoder").put("type", "Fuse");
        ObjectNode model = root.putObject("model");
        model.put("type", "WordLevel");
        ObjectNode vocab = model.putObject("vocab");
        vocabulary.forEach(vocab::put);
        model.put("unk_token", UNKNOWN);
        try {
            return JSON.writeValueAsString(root);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Loads a tokenizer from its JSON text, without truncation or padding (titles must round-trip whole). */
    static HuggingFaceTokenizer load(String json) {
        try {
            return HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)),
                    Map.of("truncation", "false", "padding", "false", "addSpecialTokens", "false"));
        } catch (IOException e) {
            throw new UqaException("cannot load the word-level tokenizer: " + e.getMessage(), e);
        }
    }
}
