package dev.uqabench.eval;

import dev.uqabench.qa.ReferenceRules;
import dev.uqabench.qa.Subtask;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * UQABench accuracy ({@code calc_metrics_acc.py}): a prediction is right when it starts with the
 * gold letter; each is counted under "All tasks", its task group and its sub-task. The sub-task is
 * the prediction's own, or where absent the one the reference's substring rules give its question.
 */
public final class Scorer {

    private Scorer() {
    }

    public static Metrics score(List<Prediction> predictions) {
        Map<String, int[]> tally = new HashMap<>(); // key -> {correct, n}
        Metrics.KEYS.forEach(key -> tally.put(key, new int[2]));
        for (int i = 0; i < predictions.size(); i++) {
            Prediction p = predictions.get(i);
            Subtask subtask = p.subtask() != null ? p.subtask()
                    : ReferenceRules.classify(p.question(), "prediction " + (i + 1) + (p.id() == null ? "" : " (id " + p.id() + ")"));
            int right = p.correct() ? 1 : 0;
            for (String key : Metrics.keysOf(subtask)) {
                tally.get(key)[0] += right;
                tally.get(key)[1]++;
            }
        }
        Map<String, Score> scores = new LinkedHashMap<>();
        for (String key : Metrics.KEYS) {
            scores.put(key, Score.of(tally.get(key)[0], tally.get(key)[1]));
        }
        return new Metrics(scores);
    }
}
