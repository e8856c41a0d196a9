package dev.uqabench.pretrain;

import dev.uqabench.dist.Group;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * The two gradient exchanges of a data-parallel pre-training step, on the step's native scope: dense gradients summed
 * over the ranks in one bucket, and the gathered rows of an embedding table summed per id, so that traffic follows
 * the batch, not the table.
 */
final class GradientExchange {

    private GradientExchange() {
    }

    /**
     * Sums the gradients of {@code names} over the ranks, with {@code lossShare} ([1]) in the same all-reduce. A
     * parameter this rank's step did not reach is sent as zeros; one that no rank reached keeps no gradient. Returns
     * the summed gradients (for clipping).
     */
    static List<Tensor> sumDense(Group group, Map<String, Tensor> parameters, List<String> names, Tensor lossShare) {
        // a flag per parameter (did this rank's step reach it?) travels in the bucket, so every rank learns which
        // parameters any rank reached
        float[] reached = new float[names.size()];
        List<Tensor> bucket = new ArrayList<>();
        List<Tensor> gradients = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            Tensor p = parameters.get(names.get(i));
            Tensor g = p.grad();
            reached[i] = g.defined() ? 1 : 0;
            Tensor held = g.defined() ? g : torch.zeros_like(p);
            bucket.add(held);
            gradients.add(held);
        }
        Tensor flags = Tensor.create(reached, reached.length);
        bucket.add(flags);
        bucket.add(lossShare);
        group.allReduceSum(bucket);
        float[] anyRank = new float[reached.length];
        flags.data_ptr_float().get(anyRank);
        List<Tensor> summed = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            Tensor p = parameters.get(names.get(i));
            if (anyRank[i] > 0) {
                if (reached[i] == 0) {
                    p.mutable_grad().put(gradients.get(i));
                }
                summed.add(p.grad());
            } else if (reached[i] > 0) {
                p.mutable_grad().put(torch.zeros_like(p));   // cannot happen: a rank that reached it set the flag
            }
        }
        return summed;
    }

    /** Rows of a table touched by any rank ({@code ids}, sorted) and their gradients summed over the ranks. */
    record TouchedRows(long[] ids, Tensor gradients) {
    }

    /**
     * Every rank's ({@code ids}, {@code rowGradients} [ids, width]) all-gathered and summed per id: the union of the
     * ranks' touched rows.
     */
    static TouchedRows sumRows(Group group, long[] ids, Tensor rowGradients) {
        List<long[]> allIds = group.allGather(ids);
        List<Tensor> allGradients = group.allGather(rowGradients.contiguous());
        long[] union = allIds.stream().flatMapToLong(Arrays::stream).sorted().distinct().toArray();
        Tensor summed = torch.zeros(union.length, rowGradients.size(1));
        for (int r = 0; r < allIds.size(); r++) {
            long[] part = allIds.get(r);
            if (part.length == 0) {
                continue;
            }
            long[] at = new long[part.length];
            for (int i = 0; i < part.length; i++) {
                at[i] = Arrays.binarySearch(union, part[i]);
            }
            summed.index_add_(0, Tensor.create(at, at.length), allGradients.get(r));
        }
        return new TouchedRows(union, summed);
    }
}
