package dev.uqabench.tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.bytedeco.openblas.global.openblas_full;

/**
 * What this CPU offers the native engines, read once at start-up: whether it computes bf16 natively (an AVX2-only
 * CPU runs libtorch's bf16 matrix products 10-40x slower than float32, an AVX-512-bf16 one about 2x faster) and
 * which OpenBLAS kernels fit it. Every manifest and benchmark records {@link #describe()}, so a figure names the
 * path that produced it.
 */
public final class CpuFeatures {

    /**
     * glibc allocator settings ({@code GLIBC_TUNABLES}, read when a process starts) that keep libtorch's large per-step
     * buffers from being faulted in page by page every step: transparent huge pages, a fixed 32 MiB mmap threshold,
     * freed memory kept. Not set by uqabench: one pretraining process ran 1.6x faster with them, the quickstart's two
     * lanes in one process 1.4x slower (bench/perf/README.md). Manifests say whether they were on.
     */
    public static final String MALLOC_TUNABLES =
            "glibc.malloc.hugetlb=1:glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=4294967296";

    private static final Set<String> FLAGS = readFlags(Path.of("/proc/cpuinfo"));
    private static final String MODEL_NAME = modelName();

    private CpuFeatures() {}

    /** Does the CPU multiply bf16 natively (AVX-512 bf16 or AMX)? Only then is bf16 worth choosing on it. */
    public static boolean nativeBf16() {
        return nativeBf16(FLAGS);
    }

    static boolean nativeBf16(Set<String> flags) {
        return flags.contains("avx512_bf16") || flags.contains("amx_bf16");
    }

    /**
     * Does the CPU have AMX tiles for bf16 (Intel Sapphire Rapids and later)? libtorch's fused CPU attention then runs
     * its bf16 kernel on them: 3.5x faster than casting to float32 at the decoder's 512-token prefill, where an
     * AVX-512-bf16 CPU without AMX (AMD Zen 4) ran the same bf16 kernel ~20x slower than float32 (bench/perf/README.md).
     */
    public static boolean amxBf16() {
        return FLAGS.contains("amx_bf16");
    }

    /**
     * The OpenBLAS kernel family that fits these flags, or null where its AVX2 ones do: its AVX-512 kernels where
     * the CPU has the AVX-512 subsets they use (with bf16: Cooper Lake's). OpenBLAS detects this itself (it chose
     * Cooperlake on AMD Zen 4); an {@code OPENBLAS_CORETYPE} in the environment overrides it, and {@link #describe()}
     * then says what would fit: Haswell kernels ran the tiny LLM's training 1.3x slower there.
     */
    public static String blasCore(Set<String> flags) {
        if (!flags.containsAll(Set.of("avx512f", "avx512bw", "avx512dq", "avx512vl"))) return null;
        return flags.contains("avx512_bf16") ? "COOPERLAKE" : "SKYLAKEX";
    }

    /** The kernel family OpenBLAS loaded in this process, e.g. {@code Cooperlake} or {@code Haswell}. */
    public static String loadedBlasCore() {
        return openblas_full.openblas_get_corename().getString().trim();
    }

    /**
     * One line for manifests and benchmarks, e.g. {@code AMD EPYC, x86_64, AVX-512 with native bf16; OpenBLAS
     * Cooperlake kernels}; it adds the recommended kernels when another family is loaded.
     */
    public static String describe() {
        String simd = FLAGS.contains("avx512f") ? "AVX-512" : FLAGS.contains("avx2") ? "AVX2" : "no AVX2";
        String loaded = loadedBlasCore();
        String wanted = blasCore(FLAGS);
        String blas = "OpenBLAS " + loaded + " kernels";
        if (wanted != null && !wanted.equalsIgnoreCase(loaded)) {
            blas += System.getenv("OPENBLAS_CORETYPE") != null
                    ? " (pinned by the environment's OPENBLAS_CORETYPE; " + wanted + " would fit this CPU)"
                    : " (" + wanted + " would fit this CPU)";
        }
        String tunables = System.getenv("GLIBC_TUNABLES");
        String malloc = tunables == null || tunables.isEmpty() ? "glibc malloc defaults"
                : tunables.equals(MALLOC_TUNABLES) ? "glibc malloc tuned (huge pages)" : "GLIBC_TUNABLES=" + tunables;
        return MODEL_NAME + ", " + System.getProperty("os.arch") + ", " + simd
                + (amxBf16() ? " with native bf16 and AMX" : nativeBf16() ? " with native bf16" : ", bf16 emulated (slow)") + "; " + blas + "; " + malloc;
    }

    private static String modelName() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) return line.substring(line.indexOf(':') + 1).trim();
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: the architecture alone
        }
        return "unknown CPU";
    }

    static Set<String> readFlags(Path cpuinfo) {
        try {
            for (String line : Files.readAllLines(cpuinfo)) {
                if (line.startsWith("flags")) {
                    return parseFlags(line.substring(line.indexOf(':') + 1));
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: no flags, so nothing is assumed
        }
        return Set.of();
    }

    static Set<String> parseFlags(String list) {
        Set<String> flags = new TreeSet<>();
        Arrays.stream(list.trim().toLowerCase(Locale.ROOT).split("\\s+")).filter(f -> !f.isEmpty()).forEach(flags::add);
        return Set.copyOf(flags);
    }
}
