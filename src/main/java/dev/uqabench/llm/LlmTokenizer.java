package dev.uqabench.llm;

import dev.uqabench.base.Json;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.TokenizersLibrary;
import com.fasterxml.jackson.databind.JsonNode;
import dev.uqabench.base.UqaException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A Hugging Face {@code tokenizer.json} run by the Rust tokenizers library (through DJL). Text is
 * encoded without special tokens unless asked: chat templates already spell them out.
 */
public final class LlmTokenizer implements AutoCloseable {
    private final Path source;
    private final HuggingFaceTokenizer tokenizer;
    private final Map<String, Integer> tokenIds;
    private final int vocabularySize;

    private LlmTokenizer(Path source, HuggingFaceTokenizer tokenizer, Map<String, Integer> tokenIds) {
        this.source = source;
        this.tokenizer = tokenizer;
        this.tokenIds = tokenIds;
        this.vocabularySize = tokenIds.values().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
    }

    public static LlmTokenizer load(Path tokenizerJson) {
        if (!Files.isRegularFile(tokenizerJson)) throw new UqaException(tokenizerJson + ": tokenizer file not found");
        Map<String, Integer> ids = readVocabulary(tokenizerJson);
        try {
            // No truncation or padding: the runtime decides lengths, and a silently cut prompt is wrong.
            HuggingFaceTokenizer t = HuggingFaceTokenizer.newInstance(tokenizerJson, Map.of(
                    "addSpecialTokens", "false", "truncation", "false", "padding", "false",
                    "modelMaxLength", String.valueOf(Integer.MAX_VALUE)));
            return new LlmTokenizer(tokenizerJson, t, ids);
        } catch (IOException | RuntimeException e) {
            throw new UqaException(tokenizerJson + ": cannot load tokenizer: " + e.getMessage(), e);
        }
    }

    /** Token -> id from the model vocabulary and the added (special) tokens. */
    private static Map<String, Integer> readVocabulary(Path path) {
        JsonNode root;
        try {
            root = Json.rows().readTree(path.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            String line = e.getLocation() == null || e.getLocation().getLineNr() < 1 ? "" : ", line " + e.getLocation().getLineNr();
            throw new UqaException(path + line + ": not valid JSON: " + e.getOriginalMessage().lines().findFirst().orElse(""), e);
        } catch (IOException e) {
            throw new UqaException(path + ": cannot read (" + e.getMessage() + ")", e);
        }
        Map<String, Integer> ids = new HashMap<>();
        JsonNode vocab = root.path("model").path("vocab");
        if (vocab.isObject()) {
            vocab.fields().forEachRemaining(e -> ids.put(e.getKey(), e.getValue().asInt()));
        } else if (vocab.isArray()) {
            for (int i = 0; i < vocab.size(); i++) ids.put(vocab.get(i).get(0).asText(), i);
        } else {
            throw new UqaException(path + ": key 'model.vocab' is missing");
        }
        for (JsonNode added : root.path("added_tokens")) ids.put(added.path("content").asText(), added.path("id").asInt());
        return ids;
    }

    public Path source() { return source; }

    /** Token ids of {@code text}, with no special tokens added. */
    public long[] encode(String text) {
        return encode(text, false);
    }

    /**
     * Token ids of {@code text}. DJL's {@code encode} copies eight arrays out of each native encoding (token
     * strings and character spans among them); only the ids are needed here, so the same native encoding is
     * asked for its ids alone: building the tiny LLM's corpus (about 10^5 encodings) took 3x less time.
     * The tokenizer is created without the options DJL applies in Java before encoding (prefix space, lower
     * case, accent stripping), so the ids are DJL's ({@code LlmTokenizerTest} compares them).
     */
    public long[] encode(String text, boolean addSpecialTokens) {
        if (text == null) {
            throw new NullPointerException("text");
        }
        long encoding = TokenizersLibrary.LIB.encode(tokenizer.getHandle(), text, addSpecialTokens);
        try {
            return TokenizersLibrary.LIB.getTokenIds(encoding);
        } finally {
            TokenizersLibrary.LIB.deleteEncoding(encoding);
        }
    }

    /** DJL's own encoding, for comparison with {@link #encode(String, boolean)}. */
    long[] encodeThroughDjl(String text, boolean addSpecialTokens) {
        return tokenizer.encode(text, addSpecialTokens, false).getIds();
    }

    public String decode(long[] ids, boolean skipSpecialTokens) {
        return tokenizer.decode(ids, skipSpecialTokens);
    }

    public Optional<Integer> tokenId(String token) {
        return Optional.ofNullable(tokenIds.get(token));
    }

    /** One past the largest token id (a model's vocab_size may be larger, padded for speed). */
    public int vocabularySize() { return vocabularySize; }

    @Override
    public void close() {
        tokenizer.close();
    }
}
