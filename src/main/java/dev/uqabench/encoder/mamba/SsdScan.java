package dev.uqabench.encoder.mamba;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * The selective state-space recurrence of Mamba-2 (Dao &amp; Gu 2024), per head {@code h}:
 * {@code S_t = exp(a_t) S_{t-1} + x_t B_t^T}, {@code y_t = S_t C_t}, with {@code S} of shape
 * {@code [P, N]}, scalar log-decay {@code a_t = dt_t A}, input {@code x_t = dt_t u_t}.
 *
 * <p>{@link #chunked} evaluates it as the state-space-duality algorithm ("ssd_minimal" of the
 * paper): quadratic attention-like products inside chunks, a short recurrence over chunk states
 * between them, all as plain matmuls. {@link #sequential} is the step-by-step reference.
 */
public final class SsdScan {

    private SsdScan() {
    }

    /**
     * @param x     inputs {@code [B, T, H, P]} (already multiplied by dt)
     * @param decay log-decays {@code [B, T, H]} (dt times A, at most 0)
     * @param b     input projections {@code [B, T, N]}, shared by the heads
     * @param c     output projections {@code [B, T, N]}, shared by the heads
     * @return outputs {@code [B, T, H, P]}
     */
    public static Tensor chunked(Tensor x, Tensor decay, Tensor b, Tensor c, int chunkSize) {
        long batch = x.size(0);
        long time = x.size(1);
        long heads = x.size(2);
        long headSize = x.size(3);
        long state = b.size(2);
        long chunks = (time + chunkSize - 1) / chunkSize;
        long padded = chunks * chunkSize;
        if (padded != time) {
            // zero inputs and zero log-decay after the end change nothing before it
            long extra = padded - time;
            x = torch.constant_pad_nd(x, 0, 0, 0, 0, 0, extra);
            decay = torch.constant_pad_nd(decay, 0, 0, 0, extra);
            b = torch.constant_pad_nd(b, 0, 0, 0, extra);
            c = torch.constant_pad_nd(c, 0, 0, 0, extra);
        }
        long l = chunkSize;
        Tensor xs = x.view(batch, chunks, l, heads, headSize);                         // [B, c, l, H, P]
        Tensor bs = b.view(batch, chunks, l, state);                                   // [B, c, l, N]
        Tensor cs = c.view(batch, chunks, l, state);                                   // [B, c, l, N]
        Tensor a = decay.view(batch, chunks, l, heads).permute(0, 3, 1, 2);             // [B, H, c, l]
        Tensor aCumsum = a.cumsum(3);                                                   // [B, H, c, l]

        // 1. outputs from inputs of the same chunk: (C B^T * L) X, L[s->l] = exp(sum a over (s, l])
        Tensor within = segmentSum(a).exp();                                            // [B, H, c, l, l]
        Tensor scores = einsum("bcln,bcsn->bcls", cs, bs).unsqueeze(1).mul(within);     // [B, H, c, l, l]
        Tensor yDiagonal = einsum("bhcls,bcshp->bclhp", scores, xs);                    // [B, c, l, H, P]

        // 2. each chunk's final state from its own inputs
        Tensor toEnd = aCumsum.narrow(3, l - 1, 1).sub(aCumsum).exp();                  // [B, H, c, l]
        Tensor states = einsum("bcln,bhcl,bclhp->bchpn", bs, toEnd, xs);               // [B, c, H, P, N]

        // 3. carry states across chunks: a recurrence over c + 1 chunk boundaries
        Tensor zero = torch.zeros(batch, 1, heads, headSize, state);
        states = torch.cat(new TensorVector(zero, states), 1);                          // [B, c+1, H, P, N]
        Tensor chunkDecay = torch.constant_pad_nd(aCumsum.select(3, l - 1), 1, 0);      // [B, H, c+1]
        Tensor across = segmentSum(chunkDecay).exp();                                   // [B, H, c+1, c+1]
        Tensor carried = einsum("bhzc,bchpn->bzhpn", across, states).narrow(1, 0, chunks); // [B, c, H, P, N]

        // 4. outputs from the state carried into each chunk
        Tensor fromStart = aCumsum.exp();                                               // [B, H, c, l]
        Tensor yCarried = einsum("bcln,bchpn,bhcl->bclhp", cs, carried, fromStart);     // [B, c, l, H, P]

        return yDiagonal.add(yCarried).reshape(batch, padded, heads, headSize).narrow(1, 0, time);
    }

    /** The recurrence one step at a time (reference for tests; slow). Same arguments as {@link #chunked}. */
    public static Tensor sequential(Tensor x, Tensor decay, Tensor b, Tensor c) {
        long batch = x.size(0);
        long time = x.size(1);
        long heads = x.size(2);
        long headSize = x.size(3);
        long state = b.size(2);
        Tensor s = torch.zeros(batch, heads, headSize, state);                          // [B, H, P, N]
        TensorVector outputs = new TensorVector();
        for (long t = 0; t < time; t++) {
            Tensor keep = decay.select(1, t).exp().view(batch, heads, 1, 1);            // [B, H, 1, 1]
            Tensor input = x.select(1, t).unsqueeze(3)                                  // [B, H, P, 1]
                    .mul(b.select(1, t).view(batch, 1, 1, state));                      // [B, H, P, N]
            s = s.mul(keep).add(input);
            outputs.push_back(s.mul(c.select(1, t).view(batch, 1, 1, state)).sum(new long[] {3}, false,
                    new org.bytedeco.pytorch.ScalarTypeOptional()));                   // [B, H, P]
        }
        return torch.stack(outputs, 1);                                                 // [B, T, H, P]
    }

    /** {@code out[..., i, j] = sum of x[..., j+1 .. i]} for {@code j <= i}, minus infinity above the diagonal. */
    static Tensor segmentSum(Tensor x) {
        long n = x.size(-1);
        Tensor cumulative = x.cumsum(-1);
        Tensor differences = cumulative.unsqueeze(-1).sub(cumulative.unsqueeze(-2));    // [..., n, n]
        Tensor upper = torch.triu(torch.ones(n, n), 1).to(torch.ScalarType.Bool);
        return differences.masked_fill(upper, new Scalar(Double.NEGATIVE_INFINITY));
    }

    private static Tensor einsum(String equation, Tensor... operands) {
        return torch.einsum(equation, new TensorVector(operands));
    }
}
