package dev.uqabench.qa;

import dev.uqabench.base.UqaException;

import java.util.List;
import java.util.Optional;

/**
 * The reference scorer's way to tell a question's sub-task: the first of these substrings found in
 * the question text decides ({@code calc_metrics_acc.py}, checked in sub-task order df, mf, ip, ap,
 * li, si, it). Only zh questions carry these phrases.
 */
public final class ReferenceRules {

    private record Rule(Subtask subtask, List<String> phrases) {
    }

    private static final List<Rule> RULES = List.of(
            new Rule(Subtask.DF, List.of("次浏览的商品的", "次（从1开始计数）浏览的")),
            new Rule(Subtask.MF, List.of("长度是多少？", "的商品有多少个")),
            new Rule(Subtask.IP, List.of("下一个可能点击的商品的标题是什么")),
            new Rule(Subtask.AP, List.of("用户下一个可能点击的商品的")),
            new Rule(Subtask.LI, List.of("用户最感兴趣的3个")),
            new Rule(Subtask.SI, List.of("用户近期最感兴趣的")),
            new Rule(Subtask.IT, List.of("偏好的转移路径是什么")));

    private ReferenceRules() {
    }

    /** The sub-task the reference would assign, or empty where it would reject the question. */
    public static Optional<Subtask> tryClassify(String question) {
        for (Rule rule : RULES) {
            for (String phrase : rule.phrases()) {
                if (question.contains(phrase)) {
                    return Optional.of(rule.subtask());
                }
            }
        }
        return Optional.empty();
    }

    public static Subtask classify(String question) {
        return classify(question, null);
    }

    /**
     * @param rowLabel where the question came from (e.g. "predictions.jsonl line 7"), for the error
     * @throws UqaException when no rule matches (the reference asserts)
     */
    public static Subtask classify(String question, String rowLabel) {
        return tryClassify(question).orElseThrow(() -> new UqaException(
                (rowLabel == null ? "" : rowLabel + ": ") + "question matches no sub-task rule of the reference scorer"
                        + " (zh phrases such as '用户下一个可能点击的商品的'): \"" + abbreviate(question) + "\""));
    }

    private static String abbreviate(String text) {
        String flat = text.replace('\n', ' ');
        return flat.length() <= 80 ? flat : flat.substring(0, 77) + "...";
    }
}
