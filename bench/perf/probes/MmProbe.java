package dev.uqabench.llm;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * A throwaway probe (not built by Maven) behind bench/perf/README.md, fourteenth session: the float32 products of one
 * GRU4Rec time step (paper preset: batch 8, hidden 1024, gates 3072) on one thread, as libtorch's GRU and its
 * backward run them: h W^T [8,1024]x[1024,3072]^T, its input gradient g W [8,3072]x[3072,1024], its weight gradient
 * g^T h [3072,8]x[8,1024]. Median microseconds of 400 calls; bench/peer/mm_probe.py is PyTorch's side.
 *
 * <pre>  javac -d /tmp/probe -cp "target/classes:target/lib/*" bench/perf/probes/MmProbe.java
 *   OMP_WAIT_POLICY=PASSIVE OPENBLAS_NUM_THREADS=1 java --add-opens=java.base/java.nio=ALL-UNNAMED \
 *       -cp "/tmp/probe:target/classes:target/lib/*" dev.uqabench.llm.MmProbe</pre>
 */
public class MmProbe {
    public static void main(String[] a) {
        dev.uqabench.tensor.NativeThreads.setIntraOpThreads(1);
        try (NoGradGuard ng = new NoGradGuard(); PointerScope outer = new PointerScope()) {
            Tensor h = torch.randn(8, 1024), w = torch.randn(3072, 1024), g = torch.randn(8, 3072);
            String[] names = {"h W^T", "g W", "g^T h"};
            StringBuilder out = new StringBuilder("ours:");
            for (int form = 0; form < 3; form++) {
                double[] t = new double[400];
                for (int r = -50; r < 400; r++) {
                    try (PointerScope scope = new PointerScope()) {
                        long t0 = System.nanoTime();
                        if (form == 0) torch.linear(h, w);
                        else if (form == 1) g.mm(w);
                        else g.t().mm(h);
                        if (r >= 0) t[r] = (System.nanoTime() - t0) / 1e3;
                    }
                }
                java.util.Arrays.sort(t);
                out.append(String.format("  %s %.0f us", names[form], t[200]));
            }
            System.out.println(out);
        }
    }
}
