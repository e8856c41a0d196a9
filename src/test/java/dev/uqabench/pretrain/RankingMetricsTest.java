package dev.uqabench.pretrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class RankingMetricsTest {

    @Test
    void handComputedCases() {
        RankingMetrics metrics = new RankingMetrics();
        metrics.add(0);   // top: hit everywhere, gain 1
        metrics.add(3);   // 4th: hit from K=5, gain 1/log2(5)
        metrics.add(60);  // 61st: hit only at K=100, gain 1/log2(62)
        metrics.add(500); // miss everywhere
        assertEquals(0.25, metrics.recall(1), 1e-12);
        assertEquals(0.50, metrics.recall(5), 1e-12);
        assertEquals(0.50, metrics.recall(50), 1e-12);
        assertEquals(0.75, metrics.recall(100), 1e-12);
        assertEquals(1.0 / 4, metrics.ndcg(1), 1e-12);
        double log2of5 = Math.log(5) / Math.log(2);
        assertEquals((1 + 1 / log2of5) / 4, metrics.ndcg(10), 1e-12);
        double log2of62 = Math.log(62) / Math.log(2);
        assertEquals((1 + 1 / log2of5 + 1 / log2of62) / 4, metrics.ndcg(100), 1e-12);
        assertEquals(12, metrics.asMap().size());
        assertEquals(0.5, metrics.asMap().get("recall@10"), 1e-12);
    }

    @Test
    void unknownCutoffIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new RankingMetrics().recall(3));
    }
}
