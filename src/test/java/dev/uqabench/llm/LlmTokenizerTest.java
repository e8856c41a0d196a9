package dev.uqabench.llm;

import dev.uqabench.base.UqaException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
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

    @Test
    void aMissingTokenizerFileIsNamed() {
        Path missing = Path.of("no", "such", "tokenizer.json");
        UqaException e = assertThrows(UqaException.class, () -> LlmTokenizer.load(missing));
        assertTrue(e.getMessage().startsWith(missing + ": tokenizer file not found"), e.getMessage());
    }
}
