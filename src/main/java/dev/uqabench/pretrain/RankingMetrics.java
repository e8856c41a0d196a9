package dev.uqabench.pretrain;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Recall@K and NDCG@K of next-item prediction with one relevant item per user: a user whose target
 * ranks {@code r} (0 = best) counts as a hit for every {@code K > r} and gains {@code 1/log2(r + 2)}.
 * Ties are counted against the target (only strictly higher scores rank above it).
 */
public final class RankingMetrics {

    /** The cut-offs reported, as in the UQABench paper. */
    public static final int[] CUTOFFS = {1, 5, 10, 20, 50, 100};

    private final double[] hits = new double[CUTOFFS.length];
    private final double[] gains = new double[CUTOFFS.length];
    private long users;

    /** Adds one user whose target has {@code rank} items scored strictly above it. */
    public void add(long rank) {
        if (rank < 0) {
            throw new IllegalArgumentException("rank must be >= 0, got " + rank);
        }
        users++;
        for (int i = 0; i < CUTOFFS.length; i++) {
            if (rank < CUTOFFS[i]) {
                hits[i] += 1;
                gains[i] += 1 / (Math.log(rank + 2) / Math.log(2));
            }
        }
    }

    public long users() {
        return users;
    }

    public double recall(int k) {
        int i = index(k);
        return users == 0 ? 0 : hits[i] / users;
    }

    public double ndcg(int k) {
        int i = index(k);
        return users == 0 ? 0 : gains[i] / users;
    }

    /** {@code recall@K} and {@code ndcg@K} for every cut-off, in order. */
    public Map<String, Double> asMap() {
        Map<String, Double> map = new LinkedHashMap<>();
        for (int k : CUTOFFS) {
            map.put("recall@" + k, recall(k));
        }
        for (int k : CUTOFFS) {
            map.put("ndcg@" + k, ndcg(k));
        }
        return map;
    }

    private static int index(int k) {
        for (int i = 0; i < CUTOFFS.length; i++) {
            if (CUTOFFS[i] == k) {
                return i;
            }
        }
        throw new IllegalArgumentException("no cut-off " + k + " (known: 1, 5, 10, 20, 50, 100)");
    }
}
