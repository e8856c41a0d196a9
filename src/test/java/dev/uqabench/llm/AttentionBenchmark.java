package dev.uqabench.llm;

import dev.uqabench.tensor.Autocast;
import dev.uqabench.tensor.CpuFeatures;
import dev.uqabench.tensor.NativeThreads;
import dev.uqabench.tensor.Precision;
import java.util.Locale;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Opt-in timing of libtorch's fused causal attention ({@code scaled_dot_product_attention}), forward alone and
 * forward + backward, per dtype, at the tiny LLM's training shape and at Qwen2.5-0.5B's prefill shape: the figures
 * behind {@link Decoder}'s choice of the attention's dtype. A second table times inference with few queries (decode
 * steps, questions over a cached history, short prompts): the kernel in float32 and bf16, and {@link
 * dev.uqabench.nn.FusedAttention} asked for bf16 (float32 below {@link dev.uqabench.nn.FusedAttention#BF16_MIN_QUERIES}
 * queries).
 *
 * A third table times the Q-Former adapter's cross-attention (few queries over padded encoder states, forward +
 * backward) written out and through {@link dev.uqabench.nn.FusedAttention}.
 *
 * <pre>  java ... dev.uqabench.llm.AttentionBenchmark [REPEATS=20] [qformer: the third table alone]</pre>
 */
public final class AttentionBenchmark {
    private AttentionBenchmark() {}

    public static void main(String[] args) {
        int repeats = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        NativeThreads.setIntraOpThreads(1);
        System.out.println("cpu: " + CpuFeatures.describe());
        if (args.length > 1 && args[1].equals("qformer")) {
            crossAttention(repeats);
            return;
        }
        long[][] shapes = {{8, 8, 218, 16}, {8, 8, 448, 16}, {1, 14, 512, 64}, {8, 2, 200, 32}};
        for (long[] shape : shapes) {
            for (String path : new String[] {"fp32", "fp32-math", "bf16", "autocast-bf16", "autocast-bf16-math", "autocast-bf16-dropout"}) {
                double[] ms = time(shape, path, repeats);
                System.out.printf(Locale.ROOT, "| [%d, %d, %d, %d] | %s | forward %.2f ms | forward+backward %.2f ms |%n",
                        shape[0], shape[1], shape[2], shape[3], path, ms[0], ms[1]);
            }
        }
        // [B, heads, queries, d] over [B, heads, keys, d], no gradients: decode steps of the 0.5B decoder, its questions
        // over a cached 300-token history, the kernel's query block edge, the tiny LLM's option rows over a cache
        long[][][] inference = {{{1, 14, 1, 64}, {1, 14, 400, 64}}, {{6, 14, 60, 64}, {6, 14, 360, 64}},
                {{1, 14, 63, 64}, {1, 14, 63, 64}}, {{1, 14, 64, 64}, {1, 14, 64, 64}}, {{1, 14, 128, 64}, {1, 14, 512, 64}},
                {{22, 8, 3, 16}, {22, 8, 365, 16}}};
        for (long[][] shape : inference) {
            double fp32 = timeInference(shape, ScalarType.Float, false, repeats);
            double bf16 = timeInference(shape, ScalarType.BFloat16, false, repeats);
            double fused = timeInference(shape, ScalarType.BFloat16, true, repeats);
            System.out.printf(Locale.ROOT, "| q %s over k %s | float32 %.3f ms | bf16 %.3f ms | FusedAttention bf16 %.3f ms |%n",
                    java.util.Arrays.toString(shape[0]), java.util.Arrays.toString(shape[1]), fp32, bf16, fused);
        }
        crossAttention(repeats);
    }

    private static void crossAttention(int repeats) {
        // the Q-Former adapter's cross-attention during alignment: 16 learned queries over a batch of 32 users' padded
        // encoder states (4 heads; encoder widths 64 and 128), forward + backward, written out against the fused kernel
        long[][][] crossShapes = {{{32, 4, 16, 16}, {32, 4, 200, 16}}, {{32, 4, 16, 32}, {32, 4, 200, 32}},
                {{32, 4, 16, 16}, {32, 4, 50, 16}}};
        for (long[][] shape : crossShapes) {
            for (Precision precision : new Precision[] {Precision.FP32, Precision.BF16}) {
                double[] written = timeCross(shape, precision, false, repeats);
                double[] fused = timeCross(shape, precision, true, repeats);
                System.out.printf(Locale.ROOT, "| Q-Former q %s over k %s | %s | written out %.3f / %.3f ms | "
                                + "FusedAttention %.3f / %.3f ms (forward / forward+backward) |%n",
                        java.util.Arrays.toString(shape[0]), java.util.Arrays.toString(shape[1]), precision, written[0],
                        written[1], fused[0], fused[1]);
            }
        }
    }

    /**
     * Median milliseconds of the Q-Former's cross-attention, forward and forward + backward, under {@code precision}'s
     * autocast: the form it had (scores, padding at minus infinity, softmax, times the values) or {@link
     * dev.uqabench.nn.FusedAttention} under the same padding mask; each row reads a random number of its keys (>= 1).
     */
    private static double[] timeCross(long[][] shape, Precision precision, boolean viaFused, int repeats) {
        long batch = shape[1][0], keys = shape[1][2];
        return medianForwardBackward(repeats, () -> {
            Tensor q = torch.randn(shape[0]).requires_grad_(true);
            Tensor k = torch.randn(shape[1]).requires_grad_(true);
            Tensor v = torch.randn(shape[1]).requires_grad_(true);
            Tensor lengths = torch.randint(1, keys + 1, new long[] {batch});
            Tensor positions = torch.arange(new org.bytedeco.pytorch.Scalar(keys)).unsqueeze(0);
            return () -> {
                try (Autocast autocast = Autocast.open(precision)) {
                    if (viaFused) {
                        Tensor readable = positions.lt(lengths.unsqueeze(1)).unsqueeze(1).unsqueeze(1);
                        return dev.uqabench.nn.FusedAttention.attend(q, k, v, readable, 0.0, false, ScalarType.Float);
                    }
                    Tensor padding = positions.ge(lengths.unsqueeze(1)).unsqueeze(1).unsqueeze(1);
                    Tensor scores = q.matmul(k.transpose(2, 3)).div(new org.bytedeco.pytorch.Scalar(
                            Math.sqrt(shape[0][3])));
                    scores = scores.masked_fill(padding, new org.bytedeco.pytorch.Scalar(Float.NEGATIVE_INFINITY));
                    return torch.softmax(scores, -1).matmul(v);
                }
            };
        });
    }

    /** One timed repeat: makes its inputs (not timed) and returns the forward pass to time. */
    private interface Trial {
        java.util.function.Supplier<Tensor> prepare();
    }

    /**
     * Median milliseconds of a trial's forward pass and of its forward + backward pass (to the sum of its output), over
     * {@code repeats} after 3 warm-up repeats, each in its own native scope; inputs drawn after {@code manual_seed(1)}.
     */
    private static double[] medianForwardBackward(int repeats, Trial trial) {
        double[] forward = new double[repeats];
        double[] both = new double[repeats];
        torch.manual_seed(1);
        for (int r = -3; r < repeats; r++) {
            try (PointerScope scope = new PointerScope()) {
                java.util.function.Supplier<Tensor> pass = trial.prepare();
                long t0 = System.nanoTime();
                Tensor out = pass.get();
                long t1 = System.nanoTime();
                out.to(ScalarType.Float).sum().backward();
                long t2 = System.nanoTime();
                if (r >= 0) {
                    forward[r] = (t1 - t0) / 1e6;
                    both[r] = (t2 - t0) / 1e6;
                }
            }
        }
        java.util.Arrays.sort(forward);
        java.util.Arrays.sort(both);
        return new double[] {forward[repeats / 2], both[repeats / 2]};
    }

    /** Median milliseconds of one no-gradient call (causal where queries and keys are as many). */
    private static double timeInference(long[][] shape, ScalarType type, boolean viaFused, int repeats) {
        double[] ms = new double[repeats];
        torch.manual_seed(1);
        boolean causal = shape[0][2] == shape[1][2];
        try (org.bytedeco.pytorch.NoGradGuard noGrad = new org.bytedeco.pytorch.NoGradGuard()) {
            for (int r = -3; r < repeats; r++) {
                try (PointerScope scope = new PointerScope()) {
                    Tensor q = torch.randn(shape[0]).to(type);
                    Tensor k = torch.randn(shape[1]).to(type);
                    Tensor v = torch.randn(shape[1]).to(type);
                    long t0 = System.nanoTime();
                    if (viaFused) {
                        dev.uqabench.nn.FusedAttention.attend(q, k, v, null, 0.0, causal, type);
                    } else {
                        torch.scaled_dot_product_attention(q, k, v, new TensorOptional(), 0.0, causal, new DoubleOptional(),
                                false);
                    }
                    if (r >= 0) {
                        ms[r] = (System.nanoTime() - t0) / 1e6;
                    }
                }
            }
        }
        java.util.Arrays.sort(ms);
        return ms[repeats / 2];
    }

    /** Causal attention written out: softmax(q k^T / sqrt(d) + causal mask) v, the softmax in float32. */
    static Tensor math(Tensor q, Tensor k, Tensor v) {
        long t = q.size(2);
        Tensor scores = torch.matmul(q, k.transpose(-2, -1)).mul(new org.bytedeco.pytorch.Scalar(1.0 / Math.sqrt(q.size(3))));
        Tensor future = torch.ones(t, t).triu(1).to(ScalarType.Bool);
        Tensor p = torch.softmax(scores.to(ScalarType.Float).masked_fill(future, new org.bytedeco.pytorch.Scalar(
                Double.NEGATIVE_INFINITY)), -1).to(q.scalar_type());
        return torch.matmul(p, v);
    }

    /** Median milliseconds of a forward pass and of a forward + backward pass. */
    private static double[] time(long[] shape, String path, int repeats) {
        ScalarType type = path.equals("bf16") ? ScalarType.BFloat16 : ScalarType.Float;
        return medianForwardBackward(repeats, () -> {
            Tensor q = torch.randn(shape).to(type).requires_grad_(true);
            Tensor k = torch.randn(shape).to(type).requires_grad_(true);
            Tensor v = torch.randn(shape).to(type).requires_grad_(true);
            return () -> {
                try (Autocast autocast = Autocast.open(path.equals("autocast-bf16") ? Precision.BF16 : Precision.FP32)) {
                    return path.endsWith("math") ? math(q, k, v)
                            : torch.scaled_dot_product_attention(q, k, v, new TensorOptional(),
                                    path.endsWith("dropout") ? 0.1 : 0.0, true, new DoubleOptional(), false);
                }
            };
        });
    }
}
