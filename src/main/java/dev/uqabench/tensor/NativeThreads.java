package dev.uqabench.tensor;

import org.bytedeco.openblas.global.openblas_full;
import org.bytedeco.pytorch.global.torch;

/**
 * Thread settings of the native engines. libtorch runs float32 matrix products through OpenBLAS, whose own
 * worker threads spin-wait; on a small or shared CPU they fight libtorch's OpenMP pool and a float32
 * matrix-vector product measured 10x slower with 2 BLAS threads than with 1 without {@code OMP_WAIT_POLICY=PASSIVE}
 * (bf16 products go through oneDNN on the OpenMP pool and are unaffected). So work that shares the machine (the
 * pipeline's lanes, training) keeps one; a command alone on it (chat in float32) takes as many as libtorch has,
 * which measured 1.4-1.7x faster with the passive wait policy.
 */
public final class NativeThreads {
    private NativeThreads() {}

    /** Sets OpenBLAS's thread count for the whole process (1 = let libtorch's OpenMP pool own the cores). */
    public static void setBlasThreads(int threads) {
        if (threads < 1) throw new IllegalArgumentException("BLAS threads must be >= 1, got " + threads);
        openblas_full.openblas_set_num_threads(threads);
    }

    /** OpenBLAS's thread count for the process. */
    public static int blasThreads() {
        return openblas_full.openblas_get_num_threads();
    }

    /**
     * Sets libtorch's intra-op (OpenMP) thread count for the calling thread's parallel regions (OpenMP keeps it per
     * thread: a thread started later begins with the process default).
     */
    public static void setIntraOpThreads(int threads) {
        if (threads < 1) throw new IllegalArgumentException("intra-op threads must be >= 1, got " + threads);
        torch.set_num_threads(threads);
    }

    /** libtorch's intra-op (OpenMP) thread count. */
    public static int intraOpThreads() {
        return torch.get_num_threads();
    }
}
