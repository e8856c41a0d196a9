// A throwaway probe (not built by Maven) behind bench/perf/README.md, fourteenth session: cblas_sgemm of the OpenBLAS
// that libtorch uses here (bytedeco's 0.3.31), without libtorch, at [M,3072]x[3072,1024] and [M,1024]x[3072,1024]^T.
//   javac -d /tmp/probe -cp "target/lib/*" bench/perf/probes/CblasProbe.java
//   OMP_WAIT_POLICY=PASSIVE OPENBLAS_NUM_THREADS=1 taskset -c 1 java -cp "/tmp/probe:target/lib/*" CblasProbe 8
import org.bytedeco.javacpp.FloatPointer;
import static org.bytedeco.openblas.global.openblas.*;
import org.bytedeco.openblas.global.openblas_full;
public class CblasProbe {
    public static void main(String[] a) {
        int m = Integer.parseInt(a[0]), n = 1024, k = 3072;
        FloatPointer g = new FloatPointer(m * k), w = new FloatPointer(k * n), c = new FloatPointer(m * n);
        java.util.Random r = new java.util.Random(1);
        for (int i = 0; i < m * k; i++) g.put(i, (float) r.nextGaussian());
        for (int i = 0; i < k * n; i++) w.put(i, (float) r.nextGaussian());
        StringBuilder out = new StringBuilder("ours cblas threads " + openblas_full.openblas_get_num_threads() + " core " + openblas_full.openblas_get_corename().getString() + " parallel " + openblas_full.openblas_get_parallel() + ":");
        for (int form = 0; form < 2; form++) {
            double[] t = new double[400];
            for (int i = -50; i < 400; i++) {
                long t0 = System.nanoTime();
                if (form == 0) cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1f, g, k, w, n, 0f, c, n);
                else cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, m, k, n, 1f, c, n, w, n, 0f, g, k);  // [8,1024] x [3072,1024]^T
                if (i >= 0) t[i] = (System.nanoTime() - t0) / 1e3;
            }
            java.util.Arrays.sort(t);
            out.append(String.format("  %s %.0f us", form == 0 ? "g W" : "h W^T", t[200]));
        }
        System.out.println(out);
    }
}
