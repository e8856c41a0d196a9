package dev.uqabench.llm;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * A throwaway probe (not built by Maven) behind bench/perf/README.md, twelfth session: one decode step's attention of the
 * Qwen2.5-0.5B shape (14 query heads, 2 key/value heads, head size 64, one query over S cached bf16 keys, no gradients),
 * float32 over keys and values repeated to 14 heads (as before) against {@code Decoder.groupsAsQueries}.
 *
 * <pre>  mvn -q -o package -DskipTests && javac -d /tmp/probe -cp "target/classes:target/lib/*" bench/perf/probes/FoldProbe.java
 *   OMP_WAIT_POLICY=PASSIVE java --add-opens=java.base/java.nio=ALL-UNNAMED -cp "/tmp/probe:target/classes:target/lib/*" \
 *       dev.uqabench.llm.FoldProbe 160</pre>
 */
public class FoldProbe {
    public static void main(String[] a) {
        dev.uqabench.tensor.NativeThreads.setIntraOpThreads(1);
        long s = Long.parseLong(a[0]);
        int reps = 2000;
        try (NoGradGuard ng = new NoGradGuard()) {
            for (int round = 0; round < 5; round++) {
                double[] t = new double[2];
                for (int mode = 0; mode < 2; mode++) {
                    long t0 = 0;
                    for (int r = -100; r < reps; r++) {
                        try (PointerScope scope = new PointerScope()) {
                            Tensor q = torch.randn(1, 14, 1, 64).to(ScalarType.BFloat16);
                            Tensor k = torch.randn(1, 2, s, 64).to(ScalarType.BFloat16);
                            Tensor v = torch.randn(1, 2, s, 64).to(ScalarType.BFloat16);
                            Tensor mask = torch.ones(1, 1, 1, s).gt(new org.bytedeco.pytorch.Scalar(0.5));
                            if (r == 0) t0 = System.nanoTime();
                            long start = System.nanoTime();
                            if (mode == 0) {
                                Tensor rk = k.unsqueeze(2).expand(1, 2, 7, s, 64).reshape(1, 14, s, 64);
                                Tensor rv = v.unsqueeze(2).expand(1, 2, 7, s, 64).reshape(1, 14, s, 64);
                                dev.uqabench.nn.FusedAttention.attend(q, rk, rv, mask, 0.0, false, ScalarType.Float).to(ScalarType.BFloat16);
                            } else {
                                Decoder.groupsAsQueries(q, k, v, mask, 7).to(ScalarType.BFloat16);
                            }
                            if (r >= 0) t[mode] += System.nanoTime() - start;
                        }
                    }
                }
                System.out.printf("S=%d repeated %.1f us, grouped %.1f us%n", s, t[0] / reps / 1e3, t[1] / reps / 1e3);
            }
        }
    }
}
