package dev.uqabench.llm;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * A throwaway probe (not built by Maven) behind bench/perf/README.md, fourteenth session: a decode step's one-row
 * products at Qwen2.5-0.5B's shape on one thread, weights cycled through 24 layers' worth so that they stream from
 * memory as in decoding: float32 weights through {@code mv} (OpenBLAS sgemv, the fp32 decoder's path) against bf16
 * weights through {@code mv} (libtorch's reduced-precision gemv, float32 accumulation; the row rounded to bf16) and
 * through {@code linear} (the bf16 decoder's path).
 *
 * <pre>  mvn -q -o package -DskipTests && javac -d /tmp/probe -cp "target/classes:target/lib/*" bench/perf/probes/GemvProbe.java
 *   OMP_WAIT_POLICY=PASSIVE OPENBLAS_NUM_THREADS=1 java --add-opens=java.base/java.nio=ALL-UNNAMED -cp "/tmp/probe:target/classes:target/lib/*" \
 *       dev.uqabench.llm.GemvProbe 5</pre>
 */
public class GemvProbe {
    public static void main(String[] a) {
        dev.uqabench.tensor.NativeThreads.setIntraOpThreads(1);
        int rounds = Integer.parseInt(a[0]);
        long[][] shapes = {{4864, 896}, {896, 4864}, {151936, 896}};
        int layers = 24;
        try (NoGradGuard ng = new NoGradGuard(); PointerScope outer = new PointerScope()) {
            for (long[] shape : shapes) {
                int copies = shape[0] == 151936 ? 1 : layers;
                Tensor[] w32 = new Tensor[copies];
                Tensor[] w16 = new Tensor[copies];
                for (int i = 0; i < copies; i++) {
                    w16[i] = torch.randn(shape[0], shape[1]).mul(new org.bytedeco.pytorch.Scalar(0.02)).to(ScalarType.BFloat16);
                    w32[i] = w16[i].to(ScalarType.Float);
                }
                Tensor x32 = torch.randn(shape[1]);
                Tensor x16 = x32.to(ScalarType.BFloat16);
                Tensor ref = w32[0].mv(x32);
                Tensor got = w16[0].mv(x16).to(ScalarType.Float);
                double err = ref.sub(got).abs().max().item_double() / ref.abs().max().item_double();
                double gb32 = shape[0] * shape[1] * 4.0 / 1e9, gb16 = gb32 / 2;
                for (int round = 0; round < rounds; round++) {
                    double[] best = new double[3];
                    for (int mode = 0; mode < 3; mode++) {
                        int reps = copies == 1 ? 10 : 48;
                        long t0 = System.nanoTime();
                        for (int r = 0; r < reps; r++) {
                            try (PointerScope scope = new PointerScope()) {
                                int i = r % copies;
                                if (mode == 0) w32[i].mv(x32);
                                else if (mode == 1) w16[i].mv(x16);
                                else torch.linear(x16.unsqueeze(0), w16[i]);
                            }
                        }
                        best[mode] = (System.nanoTime() - t0) / 1e3 / reps;
                    }
                    System.out.printf("%dx%d round %d: fp32 mv %.0f us (%.1f GB/s)  bf16 mv %.0f us (%.1f GB/s)  bf16 linear %.0f us;  rel err %.1e%n",
                            shape[0], shape[1], round, best[0], gb32 / best[0] * 1e6, best[1], gb16 / best[1] * 1e6, best[2], err);
                }
            }
        }
    }
}
