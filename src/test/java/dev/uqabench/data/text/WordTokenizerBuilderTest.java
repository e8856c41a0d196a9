package dev.uqabench.data.text;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.uqabench.data.Event;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WordTokenizerBuilderTest {

    @TempDir
    Path dir;

    static final List<String> CORPUS = List.of(
            "优美 红色 连衣裙", "Lumo Red Dress", "Nike Air Max 90, running shoes!",
            "女士 真皮 手提包 2024新款", "line one\nline\ttwo  (double space)", "emoji 😀 and café");

    @Test
    void decodeOfEncodeIsTheExactText() throws Exception {
        Path file = dir.resolve("tokenizer.json");
        WordTokenizerBuilder.write(CORPUS, file);
        try (TokenizerEventText text = TokenizerEventText.open(dir)) {
            for (String s : CORPUS) {
                assertEquals(s, text.decode(text.encode(s)), "round trip of " + s);
            }
        }
    }

    @Test
    void everyCorpusPieceIsInTheVocabulary() throws Exception {
        Path file = dir.resolve("tokenizer.json");
        Map<String, Integer> vocabulary = WordTokenizerBuilder.write(CORPUS, file);
        long unknown = vocabulary.get(WordTokenizerBuilder.UNKNOWN);
        try (HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(file, Map.of("addSpecialTokens", "false"))) {
            for (String s : CORPUS) {
                for (long id : tokenizer.encode(s).getIds()) {
                    assertTrue(id != unknown, "unknown piece in " + s);
                }
            }
            // a Chinese run is one piece, an English word one piece, digits one each
            assertEquals(List.of("女士", " ", "真皮", " ", "手提包", " ", "2", "0", "2", "4", "新款"),
                    List.of(tokenizer.encode("女士 真皮 手提包 2024新款").getTokens()));
            // text outside the corpus decodes without its unknown pieces (<unk> is special)
            assertFalse(tokenizer.decode(tokenizer.encode("zzz 连衣裙").getIds()).contains("zzz"));
        }
    }

    /** Differential: the per-word cache gives exactly the ids of encoding the whole text. */
    @Test
    void wordCacheAgreesWithWholeTextEncoding() throws Exception {
        java.util.Random random = new java.util.Random(11);
        String[] atoms = {"连衣裙", "新款", "Red", "dress", "9", "0", ",", "!", " ", "  ", "\n", "\t", "😀", "é", "<unk>", "x"};
        List<String> texts = new java.util.ArrayList<>();
        for (int i = 0; i < 300; i++) {
            StringBuilder text = new StringBuilder();
            for (int k = random.nextInt(8); k >= 0; k--) {
                text.append(atoms[random.nextInt(atoms.length)]);
            }
            texts.add(text.toString());
        }
        Path file = dir.resolve("tokenizer.json");
        WordTokenizerBuilder.write(texts.subList(0, 200), file);
        try (HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(file, Map.of("addSpecialTokens", "false"))) {
            WordCache cache = new WordCache(tokenizer);
            for (String text : texts) {
                assertArrayEquals(tokenizer.encode(text).getIds(), cache.ids(text), "ids of '" + text + "'");
                assertEquals(String.join("", cache.pieces(text)), text);
            }
        }
    }

    @Test
    void specialTokensTakeTheFirstIds() {
        Map<String, Integer> vocabulary = WordTokenizerBuilder.vocabulary(CORPUS);
        for (int i = 0; i < WordTokenizerBuilder.SPECIAL_TOKENS.size(); i++) {
            assertEquals(i, vocabulary.get(WordTokenizerBuilder.SPECIAL_TOKENS.get(i)));
        }
        // deterministic: the most frequent piece (the space) comes right after the specials
        assertEquals(WordTokenizerBuilder.SPECIAL_TOKENS.size(), vocabulary.get(" "));
    }

    @Test
    void eventTextDecodesAndCachesByOwnerId() {
        Path file = dir.resolve("tokenizer.json");
        WordTokenizerBuilder.write(CORPUS, file);
        try (TokenizerEventText text = TokenizerEventText.open(file)) {
            long[] title = text.encode("Lumo Red Dress");
            long[] category = text.encode("连衣裙");
            Event event = new Event(5, 3, 0, 0, 0, new long[][] {title, category, {}, {}, {}});
            assertEquals("Lumo Red Dress", text.title(event));
            assertEquals("连衣裙", text.category(event));
            assertEquals("", text.brand(event));
            // cached by item id: the same item later yields the cached title
            Event sameItem = new Event(5, 3, 0, 0, 0, new long[][] {text.encode("Nike"), category, {}, {}, {}});
            assertEquals("Lumo Red Dress", text.title(sameItem));
            assertArrayEquals(title, text.encode(text.title(sameItem)));
        }
    }
}
