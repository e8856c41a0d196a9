package dev.uqabench.report;

import dev.uqabench.eval.Prediction;
import dev.uqabench.qa.Subtask;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CountedPredictionsTest {

    private static List<Prediction> onePerSubtask() {
        List<Prediction> out = new ArrayList<>();
        for (Subtask s : Subtask.values()) {
            out.add(new Prediction("q-" + s.code(), "u1", s, "none", "?", "A", "A", 10, 0.01));
        }
        return out;
    }

    @Test
    void significanceTestsCountOnlyTheHeadlineMetricsQuestions() {
        List<Prediction> all = onePerSubtask();
        assertEquals(7, UserInformation.counted("All tasks", all).size());
        assertEquals(List.of(Subtask.LI, Subtask.SI, Subtask.IT),
                UserInformation.counted("Interest perception", all).stream().map(Prediction::subtask).toList());
        assertEquals(List.of(Subtask.AP), UserInformation.counted("ap", all).stream().map(Prediction::subtask).toList());
    }
}
