package dev.uqabench.nn;

import dev.uqabench.tensor.Autocast;
import dev.uqabench.tensor.CpuFeatures;
import dev.uqabench.tensor.Tensors;
import java.util.function.UnaryOperator;
import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.GradMode;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * libtorch's {@code scaled_dot_product_attention} with its dtype chosen for the CPU rather than by autocast. The fused
 * (flash) kernel's bf16 <em>backward</em> pass has no fast matrix product in this libtorch: its bf16 x bf16 -> float32
 * blocks fall to the reference loop ({@code cpublas_gemm_no_downcast_impl}, 44 % of a bf16 tiny-LLM step in perf),
 * even on a CPU with AMX, where the bf16 forward pass is the fastest. Forward + backward, causal, one thread
 * ({@code AttentionBenchmark}, bench/perf/README.md): tiny LLM [8, 8, 218, 16] 182 ms in bf16 against 22 in float32;
 * Qwen2.5-0.5B [1, 14, 512, 64] 413 against 62; SASRec [8, 2, 200, 32] 38 against 4.3. So attention that autograd
 * records and that goes to the fused kernel (no dropout: with dropout it is libtorch's composite path, written out in
 * {@link #composite} with a {@link Dropout} mask) runs in float32, outside autocast; any other call runs as the caller
 * asks, except that bf16 with fewer than {@value #BF16_MIN_QUERIES} queries runs in float32 too: the bf16 kernel then
 * takes the same reference loop even in the forward pass, 4-26x slower than float32 on AMX (0.5B decoder's heads
 * [1, 14, T, 64], one thread: T = 63 6.1 ms against 0.7, T = 64 0.18 against 0.34; 60 queries of 6 rows over a
 * 360-key cache 192-266 ms against 12-19; one decode query over 400 keys 0.6 against 0.15-0.24;
 * {@code AttentionBenchmark}, bench/perf/README.md).
 */
public final class FusedAttention {

    /** Fewer queries than this run bf16 attention in float32 (see the class comment). */
    public static final long BF16_MIN_QUERIES = 64;

    private FusedAttention() {
    }

    /** Would autograd record a fused-kernel call on these inputs (gradients on, no dropout, an input needing them)? */
    public static boolean recordedFused(Tensor q, Tensor k, Tensor v, double dropout) {
        return dropout == 0 && GradMode.is_enabled() && (q.requires_grad() || k.requires_grad() || v.requires_grad());
    }

    /**
     * The dtype of one call: float32 when {@code recordedFused}, else {@code inference} (null: whatever autocast and
     * the inputs make it).
     */
    public static ScalarType dtype(boolean recordedFused, ScalarType inference) {
        return recordedFused ? ScalarType.Float : inference;
    }

    /** {@link #dtype(boolean, ScalarType)}, and float32 for bf16 over fewer than {@value #BF16_MIN_QUERIES} queries. */
    public static ScalarType dtype(boolean recordedFused, ScalarType inference, long queries) {
        ScalarType type = dtype(recordedFused, inference);
        return type == ScalarType.BFloat16 && queries < BF16_MIN_QUERIES ? ScalarType.Float : type;
    }

    /**
     * softmax(q k^T / sqrt(d) + mask) v over {@code [B, heads, T, d]} inputs (keys and values with as many heads as the
     * queries), in the dtype {@link #dtype} picks. The result is in that dtype; with {@code inference} null and no
     * float32 override, in what autocast and the inputs make it.
     *
     * @param mask    boolean {@code [B, 1, T, S]} (true = may attend) or null
     * @param dropout dropout on the attention weights (0 when not training)
     * @param causal  whether position t sees only positions up to t (with a null mask)
     */
    public static Tensor attend(Tensor q, Tensor k, Tensor v, Tensor mask, double dropout, boolean causal,
                                ScalarType inference) {
        if (dropout > 0) {
            return composite(q, k, v, mask, causal, weights -> Dropout.apply(weights, dropout, true));
        }
        ScalarType type = dtype(recordedFused(q, k, v, dropout), inference, q.size(-2));
        TensorOptional maskOption = mask == null ? new TensorOptional() : new TensorOptional(mask);
        if (type == null) {
            return torch.scaled_dot_product_attention(q, k, v, maskOption, dropout, causal, new DoubleOptional(),
                    false);
        }
        try (Autocast.Suspended off = Autocast.suspend()) {
            return torch.scaled_dot_product_attention(q.to(type), k.to(type), v.to(type), maskOption, dropout, causal,
                    new DoubleOptional(), false);
        }
    }

    /**
     * libtorch's composite attention ({@code _scaled_dot_product_attention_math}, where its
     * {@code scaled_dot_product_attention} goes with dropout) written out, {@code onWeights} applied to the attention
     * weights where it applies {@code at::dropout}: the inputs in the dtype autocast gives them (its dtype when it is
     * on, else the queries'), float32 products for bf16 and half, {@code q sqrt(s)} times {@code (k sqrt(s))^T} with
     * {@code s = 1/sqrt(d)}, masked places at minus infinity, softmax (a query that may see no key attends to nothing),
     * the weights times the values, and the result back in the inputs' dtype. One departure: in bf16 on a CPU with
     * native bf16 the weights are cast to bf16 before {@code onWeights} and their product with the values, as flash
     * attention kernels do, so that autograd keeps them and their dropout mask in half the bytes and the product runs
     * on the bf16 units (SASRec at 1M items: ~70 MB less peak memory, bench/perf/README.md); the scores and the softmax
     * stay float32 (a bf16 dropout scale is rounded to bf16, as for every bf16 activation: see {@link Dropout}). With
     * dropout as {@code onWeights} the mask comes from {@link Dropout}, ~5x cheaper to draw than libtorch's
     * {@code bernoulli_}.
     */
    static Tensor composite(Tensor q, Tensor k, Tensor v, Tensor mask, boolean causal,
                            UnaryOperator<Tensor> onWeights) {
        ScalarType origin = torch.is_autocast_enabled(torch.DeviceType.CPU)
                ? torch.get_autocast_dtype(torch.DeviceType.CPU).intern() : Tensors.scalarType(q);
        boolean reduced = origin == ScalarType.BFloat16 || origin == ScalarType.Half;
        ScalarType compute = reduced ? ScalarType.Float : origin;
        try (Autocast.Suspended off = Autocast.suspend()) {
            Tensor qc = q.to(origin).to(compute);
            Tensor kc = k.to(origin).to(compute);
            Scalar rootScale = new Scalar(Math.sqrt(1.0 / Math.sqrt(q.size(-1))));
            Tensor scores = torch.matmul(qc.mul(rootScale), kc.transpose(-2, -1).mul(rootScale));   // [B, h, T, S]
            Scalar minusInfinity = new Scalar(Double.NEGATIVE_INFINITY);
            if (causal) {
                Tensor later = torch.triu(torch.ones(q.size(-2), k.size(-2)), 1).to(ScalarType.Bool);  // [T, S]
                scores.masked_fill_(later, minusInfinity);
            }
            Tensor weights;
            if (mask != null) {
                Tensor hidden = mask.logical_not();
                scores.masked_fill_(hidden, minusInfinity);
                Tensor seesNone = hidden.all(-1, true);                                               // [B, 1|h, T, 1]
                weights = torch.softmax(scores, -1).masked_fill(seesNone, new Scalar(0.0));
            } else {
                weights = torch.softmax(scores, -1);
            }
            if (origin == ScalarType.BFloat16 && CpuFeatures.nativeBf16()) {
                // the weights, dropped in bf16, times the values in bf16
                return torch.matmul(onWeights.apply(weights.to(origin)), v.to(origin));
            }
            return torch.matmul(onWeights.apply(weights), v.to(origin).to(compute)).to(origin);
        }
    }
}
