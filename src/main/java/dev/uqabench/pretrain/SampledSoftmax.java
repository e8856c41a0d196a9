package dev.uqabench.pretrain;

import dev.uqabench.data.Table;
import dev.uqabench.encoder.GatheredRows;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Sampled softmax over a step's candidates (its targets plus shared uniform negatives), each logit corrected by minus
 * the log of its expected count in the candidate draw (log-Q, Yi et al. 2019): {@code N p_j + K / V}, with
 * {@code p_j} the smoothed frequency of item j among the targets seen so far. Holds those running target counts,
 * which go into the resumable checkpoint ({@link #counts()}).
 */
final class SampledSoftmax {

    private final long items;
    private final int negatives;
    private final long seed;
    /** Targets seen so far per item: the in-batch sampling distribution for log-Q. */
    private final Tensor counts;
    private long counted;

    SampledSoftmax(long items, int negatives, long seed) {
        this.items = items;
        this.negatives = negatives;
        this.seed = seed;
        this.counts = torch.zeros(items);
    }

    /** The step's candidates: its targets and shared uniform negatives, ascending and unique. */
    long[] candidates(long[] targets, long step) {
        SplittableRandom random = new SplittableRandom(seed * 2_654_435_761L + step);
        long[] all = Arrays.copyOf(targets, targets.length + negatives);
        for (int i = targets.length; i < all.length; i++) {
            all[i] = random.nextLong(items);
        }
        return Arrays.stream(all).sorted().distinct().toArray();
    }

    /**
     * Mean loss of {@code targets} over {@code candidates} (the item rows among {@code gathered}); the correction's
     * {@code N} is {@code batchTargets}, the targets of the whole (data-parallel) batch.
     */
    Tensor loss(Tensor queries, GatheredRows gathered, long[] targets, long[] candidates, long batchTargets) {
        int n = targets.length;
        Tensor candidateRows = gathered.rows(Table.ITEM).index_select(0,
                gathered.localIndex(Table.ITEM, candidates));                                // [C, width]
        Tensor logits = torch.linear(queries, candidateRows).to(ScalarType.Float);           // [N, C]
        Tensor seen = counts.index_select(0, Tensor.create(candidates, candidates.length));  // [C]
        Tensor expected = seen.add(new Scalar(1.0)).mul(new Scalar((double) batchTargets / (counted + items)))
                .add(new Scalar((double) negatives / items));                                // [C]
        Tensor corrected = logits.sub(expected.log());
        long[] labels = new long[n];
        for (int i = 0; i < n; i++) {
            labels[i] = Arrays.binarySearch(candidates, targets[i]);
        }
        return torch.nll_loss(torch.log_softmax(corrected, 1), Tensor.create(labels, n));
    }

    /** Adds a step's targets (the whole batch's) to the running counts, after its update. */
    void count(long[] targets) {
        try (NoGradGuard guard = new NoGradGuard()) {
            counts.index_add_(0, Tensor.create(targets, targets.length), torch.ones(targets.length));
        }
        counted += targets.length;
    }

    /** The running counts, {@code [items]}: a checkpoint writes them, a resume reads into them, then {@link #recount}. */
    Tensor counts() {
        return counts;
    }

    /** Re-derives the number of targets counted from the counts, after they were read from a checkpoint. */
    void recount() {
        counted = Math.round(counts.to(ScalarType.Double).sum().item_double());
    }
}
