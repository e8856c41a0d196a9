package dev.uqabench.llm;

import dev.uqabench.base.UqaException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LlmTokenizerTest {

    @Test
    void encodesWithoutAddingSpecialTokensAndNeverTruncates() {
        try (LlmTokenizer t = LlmTokenizer.load(TinyModels.tokenizer())) {
            assertArrayEquals(new long[] {1, 4, 17, 18, 2}, t.encode("<|im_start|>user hello world<|im_end|>"));
            String longText = "hello world ".repeat(1000);
            assertEquals(2000, t.encode(longText).length, "a long prompt is never cut silently");
            assertEquals("hello world", t.decode(new long[] {1, 17, 18, 2}, true));
            assertEquals(Optional.of(2), t.tokenId("<|im_end|>"));
            assertEquals(Optional.empty(), t.tokenId("nope"));
            assertEquals(20, t.vocabularySize());
        }
    }

    /** The ids-only native path gives DJL's ids, on the hand-written tokenizer and on a word-level one as the quickstart builds. */
    @Test
    void idsAloneEqualDjlsEncoding(@TempDir Path dir) {
        List<String> texts = List.of("", " ", "<|im_start|>user hello world<|im_end|>", "hello  world\n\nhello",
                "用户最近浏览的商品的类目是什么？\nA. 衬衫\nB. 帽子", "倒数第3次 item 42: 衬衫 (brand x)", "unknown 未见过 words!",
                "<|im_start|>system\nYou are helpful.<|im_end|>\n<|im_start|>assistant\n");
        Path words = dir.resolve("tokenizer.json");
        dev.uqabench.data.text.WordTokenizerBuilder.write(texts.subList(2, 6), words);
        for (Path file : List.of(TinyModels.tokenizer(), words)) {
            try (LlmTokenizer t = LlmTokenizer.load(file)) {
                for (String text : texts) {
                    for (boolean special : new boolean[] {false, true}) {
                        assertArrayEquals(t.encodeThroughDjl(text, special), t.encode(text, special),
                                file.getFileName() + ": '" + text + "' special " + special);
                    }
                }
            }
        }
    }

    @Test
    void aTokenizerThatIsNotJsonIsOneLineNamingTheLine(@TempDir Path dir) throws Exception {
        // issue 12: Jackson's second line (" at [Source: ...]") reached stderr
        Path garbage = java.nio.file.Files.writeString(dir.resolve("tokenizer.json"), "garbage");
        UqaException e = assertThrows(UqaException.class, () -> LlmTokenizer.load(garbage));
        assertTrue(e.getMessage().startsWith(garbage + ", line 1: not valid JSON: Unrecognized token 'garbage'"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }

    @Test
    void aMissingTokenizerFileIsNamed() {
        Path missing = Path.of("no", "such", "tokenizer.json");
        UqaException e = assertThrows(UqaException.class, () -> LlmTokenizer.load(missing));
        assertTrue(e.getMessage().startsWith(missing + ": tokenizer file not found"), e.getMessage());
    }
}
