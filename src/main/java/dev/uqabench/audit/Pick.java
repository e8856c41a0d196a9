package dev.uqabench.audit;

/** Picks the best-scoring option; ties are broken by the question id, so no letter is favoured. */
final class Pick {

    private Pick() {
    }

    /** Index of the highest score (ties: one of the tied options, fixed by the id); -1 if all are NaN. */
    static int best(double[] scores, String questionId) {
        double max = Double.NEGATIVE_INFINITY;
        int tied = 0;
        for (double s : scores) {
            if (Double.isNaN(s)) {
                continue;
            }
            if (s > max + 1e-12) {
                max = s;
                tied = 1;
            } else if (Math.abs(s - max) <= 1e-12) {
                tied++;
            }
        }
        if (tied == 0) {
            return -1;
        }
        int chosen = Math.floorMod(mix(questionId.hashCode()), tied);
        for (int i = 0; i < scores.length; i++) {
            if (!Double.isNaN(scores[i]) && Math.abs(scores[i] - max) <= 1e-12 && chosen-- == 0) {
                return i;
            }
        }
        throw new IllegalStateException("unreachable");
    }

    /** A well-mixed hash, so consecutive ids do not pick consecutive letters. */
    private static int mix(int h) {
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        return h ^ (h >>> 16);
    }
}
