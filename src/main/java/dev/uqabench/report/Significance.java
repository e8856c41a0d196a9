package dev.uqabench.report;

import dev.uqabench.eval.Prediction;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Whether two variants differ beyond noise on the same questions: McNemar's exact test on the
 * discordant pairs (questions one variant gets right and the other wrong).
 */
public final class Significance {

    public static final double ALPHA = 0.05;

    private Significance() {
    }

    /** The comparison of variant A against variant B on the questions both answered. */
    public record Paired(int questions, int onlyA, int onlyB, double pValue) {
        public boolean withinNoise() {
            return pValue >= ALPHA;
        }
    }

    public static Paired mcnemar(List<Prediction> a, List<Prediction> b) {
        Map<String, Boolean> right = new HashMap<>();
        for (Prediction p : b) {
            right.put(p.id(), p.correct());
        }
        int n = 0;
        int onlyA = 0;
        int onlyB = 0;
        for (Prediction p : a) {
            Boolean other = right.get(p.id());
            if (other == null) {
                continue;
            }
            n++;
            if (p.correct() && !other) {
                onlyA++;
            } else if (!p.correct() && other) {
                onlyB++;
            }
        }
        return new Paired(n, onlyA, onlyB, exactTwoSided(onlyA, onlyB));
    }

    /** Two-sided exact binomial p-value of {@code min(b, c)} successes in {@code b + c} fair trials. */
    static double exactTwoSided(int b, int c) {
        int n = b + c;
        if (n == 0) {
            return 1.0;
        }
        int k = Math.min(b, c);
        double logHalfN = n * Math.log(0.5);
        double tail = 0;
        for (int i = 0; i <= k; i++) {
            tail += Math.exp(logChoose(n, i) + logHalfN);
        }
        return Math.min(1.0, 2 * tail);
    }

    private static double logChoose(int n, int k) {
        return logFactorial(n) - logFactorial(k) - logFactorial(n - k);
    }

    private static double logFactorial(int n) {
        double s = 0;
        for (int i = 2; i <= n; i++) {
            s += Math.log(i);
        }
        return s;
    }
}
