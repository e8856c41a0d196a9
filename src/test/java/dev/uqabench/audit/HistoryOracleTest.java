package dev.uqabench.audit;

import dev.uqabench.qa.Subtask;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HistoryOracleTest {

    /** Categories of a history, oldest first. */
    private static List<Click> history(String... categories) {
        List<Click> out = new ArrayList<>();
        for (int i = 0; i < categories.length; i++) {
            out.add(new Click("t" + i, categories[i], "b" + (i % 2), "s"));
        }
        return out;
    }

    private static int pick(AuditQuestion q, List<Click> history) {
        return Pick.best(HistoryOracle.scores(q, history, null), q.id());
    }

    private static AuditQuestion q(Subtask s, List<String> options, AuditQuestion.Facts facts) {
        return new AuditQuestion(0, "q", "u", s, options, 0, facts);
    }

    @Test
    void dfCountsPositionFromTheMostRecentClick() {
        List<Click> h = history("a", "b", "c", "d");
        AuditQuestion last = q(Subtask.DF, List.of("a", "b", "c", "d"), new AuditQuestion.Facts("category", 1, null, null, null));
        assertEquals(3, pick(last, h));
        AuditQuestion third = q(Subtask.DF, List.of("a", "b", "c", "d"), new AuditQuestion.Facts("category", 3, null, null, null));
        assertEquals(1, pick(third, h));
        AuditQuestion tooFar = q(Subtask.DF, List.of("a", "b", "c", "d"), new AuditQuestion.Facts("category", 5, null, null, null));
        assertNull(HistoryOracle.scores(tooFar, h, null));
    }

    @Test
    void siReadsOnlyTheLastWindow() {
        // "a" dominates the whole history, "c" the last three clicks
        List<Click> h = history("a", "a", "a", "a", "c", "b", "c");
        AuditQuestion si = q(Subtask.SI, List.of("a", "b", "c", "d"), new AuditQuestion.Facts("category", null, null, null, 3));
        assertEquals(2, pick(si, h));
        AuditQuestion whole = q(Subtask.SI, List.of("a", "b", "c", "d"), new AuditQuestion.Facts("category", null, null, null, 7));
        assertEquals(0, pick(whole, h));
    }

    @Test
    void mfPicksTheRangeHoldingTheCount() {
        List<Click> h = history("a", "b", "a", "a", "a", "a");
        AuditQuestion count = q(Subtask.MF, List.of("0-1", "2-3", "4-7", "8+"),
                new AuditQuestion.Facts("category", null, "count", "a", null));
        assertEquals(2, pick(count, h));
        AuditQuestion length = q(Subtask.MF, List.of("0-1", "2-3", "4-5", "6+"),
                new AuditQuestion.Facts("category", null, "length", null, null));
        assertEquals(3, pick(length, h));
        AuditQuestion plain = q(Subtask.MF, List.of("3", "5", "1", "0"), new AuditQuestion.Facts("category", null, "count", "a", null));
        assertEquals(1, pick(plain, h));
        assertTrue(OptionText.contains("16+", 1000));
        assertFalse(OptionText.contains("4-7", 8));
        assertArrayEquals(new long[]{4, 7}, OptionText.countRange("4-7"));
    }

    @Test
    void itTakesTheDominantNameOfThreeWindowsEndingAtTheLastClick() {
        // an older click "z" falls outside the three windows of 2
        List<Click> h = history("z", "a", "a", "b", "b", "c", "c");
        AuditQuestion it = q(Subtask.IT, List.of("z -> a -> b", "a -> b -> c", "c -> b -> a", "a -> a -> c"),
                new AuditQuestion.Facts("category", null, null, null, 2));
        assertEquals(1, pick(it, h));
    }

    @Test
    void liWantsTheThreeMostClickedMostClickedFirst() {
        List<Click> h = history("d", "c", "b", "a", "c", "b", "a", "b", "a", "a");
        AuditQuestion li = q(Subtask.LI, List.of("b、a、c", "a、b、c", "a、b、d", "a, c, b"),
                new AuditQuestion.Facts("category", null, null, null, null));
        assertEquals(1, pick(li, h));
    }

    @Test
    void questionsWithoutFactsAreNotAnswered() {
        AuditQuestion df = q(Subtask.DF, List.of("a", "b", "c", "d"), null);
        assertNull(HistoryOracle.scores(df, history("a"), null));
    }
}
