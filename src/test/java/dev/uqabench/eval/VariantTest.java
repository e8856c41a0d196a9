package dev.uqabench.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uqabench.base.UqaException;
import org.junit.jupiter.api.Test;

class VariantTest {

    @Test
    void parsesTheThreeKinds() {
        assertEquals(Variant.Kind.NONE, Variant.parse("none").kind());
        assertEquals(20, Variant.parse("text20").textEvents());
        assertEquals(Variant.Kind.SOFT, Variant.parse("sasrec-meanpool").kind());
    }

    @Test
    void rejectsUnknownNamesAndEmptyText() {
        UqaException e = assertThrows(UqaException.class, () -> Variant.parse("Text 20"));
        assertTrue(e.getMessage().contains("unknown variant 'Text 20'"));
        assertThrows(UqaException.class, () -> Variant.parse("text0"));
    }

    @Test
    void parsesTheControls() {
        Variant shuffled = Variant.parse("sasrec-meanpool-shuffled");
        assertEquals(Variant.Kind.SHUFFLED, shuffled.kind());
        assertEquals("sasrec-meanpool", shuffled.embedding());
        assertEquals(Variant.Kind.SHUFFLED, Variant.parse("sasrec-meanpool-tuned-shuffled").kind());
        assertEquals("sasrec-meanpool-tuned", Variant.parse("sasrec-meanpool-tuned-shuffled").embedding());
        assertEquals(shuffled, Variant.shuffled(Variant.parse("sasrec-meanpool")));
        assertEquals(Variant.Kind.LEARNED_PROMPT, Variant.parse("learned-prompt").kind());
        assertTrue(shuffled.usesSoftTokens() && Variant.parse("learned-prompt").usesSoftTokens());
        assertTrue(!Variant.parse("none").usesSoftTokens() && !Variant.parse("text20").usesSoftTokens());
        UqaException e = assertThrows(UqaException.class, () -> Variant.shuffled(Variant.parse("text20")));
        assertTrue(e.getMessage().contains("only embedding variants"), e.getMessage());
    }
}
