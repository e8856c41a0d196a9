package dev.uqabench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uqabench.eval.Prediction;
import dev.uqabench.qa.Subtask;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SignificanceTest {

    @Test
    void exactBinomialMatchesHandComputedValues() {
        // b = 0, c = 5: p = 2 * 0.5^5 = 0.0625
        assertEquals(0.0625, Significance.exactTwoSided(0, 5), 1e-12);
        // b = 1, c = 9: p = 2 * (1 + 10) / 1024
        assertEquals(22.0 / 1024, Significance.exactTwoSided(1, 9), 1e-12);
        assertEquals(1.0, Significance.exactTwoSided(4, 4), 1e-12);
        assertEquals(1.0, Significance.exactTwoSided(0, 0), 1e-12);
    }

    @Test
    void pairsByQuestionIdAndCountsDiscordantAnswers() {
        List<Prediction> a = new ArrayList<>();
        List<Prediction> b = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            boolean aRight = i < 30;
            boolean bRight = i < 10;
            a.add(p("q" + i, aRight ? "A" : "B"));
            b.add(p("q" + i, bRight ? "A" : "C"));
        }
        b.add(p("only-in-b", "A"));
        Significance.Paired t = Significance.mcnemar(a, b);
        assertEquals(40, t.questions());
        assertEquals(20, t.onlyA());
        assertEquals(0, t.onlyB());
        assertFalse(t.withinNoise());
        Significance.Paired same = Significance.mcnemar(a, a);
        assertTrue(same.withinNoise());
    }

    private static Prediction p(String id, String prediction) {
        return new Prediction(id, "u", Subtask.LI, "v", "q?", prediction, "A", 10, 0.1);
    }
}
