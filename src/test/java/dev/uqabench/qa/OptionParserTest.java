package dev.uqabench.qa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uqabench.base.UqaException;
import java.util.List;
import org.junit.jupiter.api.Test;

class OptionParserTest {

    @Test
    void readsTheFourOptionsInOrder() {
        String q = "用户近期最感兴趣的类目是什么？\nA. 衬衫\nB. 连衣裙\nC. 外套、裤子\nD. 咖啡";
        assertEquals(List.of("衬衫", "连衣裙", "外套、裤子", "咖啡"), OptionParser.parse(q, "row 3"));
        assertEquals("外套、裤子", OptionParser.goldText(q, "C", "row 3"));
    }

    @Test
    void aMissingOptionIsNamed() {
        UqaException e = assertThrows(UqaException.class, () -> OptionParser.parse("Q?\nA. x\nB. y\nD. z", "file.arrow row 7"));
        assertTrue(e.getMessage().contains("file.arrow row 7") && e.getMessage().contains("option C"), e.getMessage());
        assertThrows(UqaException.class, () -> OptionParser.goldText("Q?\nA. x\nB. y\nC. z\nD. w", "E", "row 1"));
    }
}
