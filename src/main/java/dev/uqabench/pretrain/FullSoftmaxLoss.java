package dev.uqabench.pretrain;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Mean cross-entropy of next-item targets over every item, {@code -log softmax(q E^T)[target]}, computed a block of
 * query rows at a time so that the {@code [N, items]} logits never exist in full (a fused linear cross-entropy).
 *
 * <p>With the plain {@code nll_loss(log_softmax(q E^T))} autograd keeps four {@code [N, items]} float tensors per step
 * (logits, log-probabilities and their gradients: 1.3 GB at the paper preset's 1,600 positions over 50K items), which
 * glibc hands back to the kernel and faults in again every step. Here each block's logits, softmax and logit gradient
 * ({@code softmax - onehot}, over N) are made and dropped under no-grad, and the two products they feed are summed as
 * they go: {@code dL/dq = G E} and {@code dL/dE = G^T q}. The loss returned carries them to autograd as a surrogate
 * whose value is the loss and whose gradients are exactly those: {@code backward()} on it (or on a multiple of it)
 * reaches the encoder through {@code q} and the item table directly, as the plain loss would. Products run in bf16
 * inside an {@link dev.uqabench.tensor.Autocast} region; the softmax, the loss and the sums are float32.
 */
final class FullSoftmaxLoss {

    /**
     * Logit rows per block: 128 rows over 50K items are 25.6 MB of float32, under glibc's largest mmap threshold
     * (32 MiB), so the blocks' buffers are reused from the heap instead of faulted in from the kernel.
     */
    static final long BLOCK_FLOATS = 6_400_000;

    private FullSoftmaxLoss() {
    }

    /**
     * The loss's largest allocations at once for {@code positions} targets over a {@code [items, width]} table: a
     * block's logits in three copies (bf16 or float32 products, float32 log-probabilities, their float32 cast) and
     * the table-sized gradient in three (the sum, the surrogate's product, the table's gradient).
     */
    static long peakBytes(long positions, long items, long width) {
        long block = Math.max(1, Math.min(positions, BLOCK_FLOATS / items));
        return (3 * block * items + 3 * items * width + positions * width) * Float.BYTES;
    }

    /**
     * @param queries [N, width] (any float type; part of the autograd graph)
     * @param table   [items, width] float32 item table (a leaf requiring grad)
     * @param targets N item rows
     * @return the mean loss, a scalar whose backward gives the queries and the table their exact gradients
     */
    static Tensor of(Tensor queries, Tensor table, long[] targets) {
        return of(queries, table, targets, BLOCK_FLOATS);
    }

    /** {@link #of(Tensor, Tensor, long[])} with blocks of at most {@code blockFloats} logits (at least one row). */
    static Tensor of(Tensor queries, Tensor table, long[] targets, long blockFloats) {
        long n = targets.length;
        long items = table.size(0);
        long block = Math.max(1, Math.min(n, blockFloats / items));
        Tensor gradQueries = torch.empty(n, queries.size(1));                          // [N, width] float32
        Tensor gradTable = torch.zeros(items, table.size(1));                            // [items, width] float32
        Tensor lossSum = torch.zeros(1);
        Tensor targetIds = Tensor.create(targets, n);
        Tensor minusOnes = torch.ones(block, 1).neg_();                                  // [block, 1]
        Scalar perTarget = new Scalar(1.0 / n);
        try (NoGradGuard noGrad = new NoGradGuard()) {
            Tensor q = queries.detach();
            for (long start = 0; start < n; start += block) {
                long rows = Math.min(block, n - start);
                try (PointerScope scope = new PointerScope()) {
                    Tensor qBlock = q.narrow(0, start, rows);                            // [b, width]
                    Tensor t = targetIds.narrow(0, start, rows).unsqueeze(1);            // [b, 1]
                    Tensor logProbs = torch.log_softmax(torch.linear(qBlock, table).to(ScalarType.Float), 1); // [b, items]
                    lossSum.sub_(logProbs.gather(1, t).sum());
                    // d loss / d logits = (softmax - onehot(target)) / N, in place over the block's log-probabilities
                    Tensor g = logProbs.exp_();
                    g.scatter_add_(1, t, minusOnes.narrow(0, 0, rows));
                    g.mul_(perTarget);
                    gradQueries.narrow(0, start, rows).copy_(torch.mm(g, table));        // G E       [b, width]
                    gradTable.add_(torch.mm(g.t(), qBlock).to(ScalarType.Float));         // G^T q     [items, width]
                }
            }
        }
        Tensor loss = lossSum.div(new Scalar((double) n)).squeeze();
        // value: the loss; gradients: gradQueries to the queries, gradTable to the table
        Tensor surrogate = queries.mul(gradQueries.to(queries.scalar_type())).sum().to(ScalarType.Float)
                .add(table.mul(gradTable).sum());
        return surrogate.sub(surrogate.detach()).add(loss);
    }
}
