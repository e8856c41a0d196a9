package dev.uqabench.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uqabench.run.UqaException;
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
}
