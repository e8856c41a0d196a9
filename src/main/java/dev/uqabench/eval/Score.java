package dev.uqabench.eval;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Accuracy over one group of predictions, in percent, with its 95% Wilson score interval.
 * With no predictions all three figures are NaN (the reference would divide by zero).
 *
 * @param accuracy 100 * correct / n, rounded to 6 decimals like the reference's {@code round(x, 6)}
 */
public record Score(int n, int correct, double accuracy, double lower, double upper) {

    /** The normal quantile for a two-sided 95% interval. */
    private static final double Z = 1.959963984540054;

    public Score {
        if (n < 0 || correct < 0 || correct > n) {
            throw new IllegalArgumentException("need 0 <= correct <= n, got correct=" + correct + ", n=" + n);
        }
    }

    public static Score of(int correct, int n) {
        if (n == 0) {
            return new Score(0, 0, Double.NaN, Double.NaN, Double.NaN);
        }
        // 100.0 * correct is exact and the division correctly rounded, as Python's 100 * cor / cnt.
        double accuracy = round6(100.0 * correct / n);
        double p = (double) correct / n;
        double z2 = Z * Z;
        double denominator = 1 + z2 / n;
        double centre = (p + z2 / (2.0 * n)) / denominator;
        double half = Z * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / denominator;
        return new Score(n, correct, accuracy, round6(100 * Math.max(0, centre - half)),
                round6(100 * Math.min(1, centre + half)));
    }

    /**
     * Python's {@code round(x, 6)}: the exact binary value rounded half to even, which is what
     * {@code new BigDecimal(double)} (exact) with HALF_EVEN gives; parsing the decimal back is
     * correctly rounded, like Python's conversion of the rounded decimal to float.
     */
    static double round6(double x) {
        if (!Double.isFinite(x)) {
            return x;
        }
        return Double.parseDouble(new BigDecimal(x).setScale(6, RoundingMode.HALF_EVEN).toPlainString());
    }
}
