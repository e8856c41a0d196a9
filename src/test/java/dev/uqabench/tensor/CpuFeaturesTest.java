package dev.uqabench.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpuFeaturesTest {

    private static final String ZEN3 = "fpu sse sse2 avx avx2 fma bmi2";
    private static final String SKYLAKE_X = ZEN3 + " avx512f avx512dq avx512cd avx512bw avx512vl";
    private static final String ZEN4 = SKYLAKE_X + " avx512_bf16 avx512_vnni";
    private static final String PARTIAL = ZEN3 + " avx512f avx512cd";

    @Test
    void kernelsFollowTheAvx512Subsets() {
        assertNull(CpuFeatures.blasCore(CpuFeatures.parseFlags(ZEN3)));
        assertNull(CpuFeatures.blasCore(CpuFeatures.parseFlags(PARTIAL)));
        assertEquals("SKYLAKEX", CpuFeatures.blasCore(CpuFeatures.parseFlags(SKYLAKE_X)));
        assertEquals("COOPERLAKE", CpuFeatures.blasCore(CpuFeatures.parseFlags(ZEN4)));
        assertFalse(CpuFeatures.nativeBf16(CpuFeatures.parseFlags(SKYLAKE_X)));
        assertTrue(CpuFeatures.nativeBf16(CpuFeatures.parseFlags(ZEN4)));
        assertTrue(CpuFeatures.nativeBf16(Set.of("amx_bf16")));
    }

    @Test
    void flagsComeFromTheCpuinfoFlagsLine(@TempDir Path dir) throws IOException {
        Path cpuinfo = dir.resolve("cpuinfo");
        Files.writeString(cpuinfo, "processor\t: 0\nmodel name\t: Test CPU\nflags\t\t: " + ZEN4 + "\n\nprocessor\t: 1\n");
        Set<String> flags = CpuFeatures.readFlags(cpuinfo);
        assertTrue(flags.contains("avx512_bf16"));
        assertEquals("COOPERLAKE", CpuFeatures.blasCore(flags));
        assertEquals(Set.of(), CpuFeatures.readFlags(dir.resolve("missing")));
    }

    @Test
    void theDescriptionNamesTheLoadedKernelsAndTheAllocator() {
        String line = CpuFeatures.describe();
        assertTrue(line.contains("OpenBLAS " + CpuFeatures.loadedBlasCore() + " kernels"), line);
        String tunables = System.getenv("GLIBC_TUNABLES");
        assertTrue(line.endsWith(tunables == null || tunables.isEmpty() ? "glibc malloc defaults"
                : tunables.equals(CpuFeatures.MALLOC_TUNABLES) ? "glibc malloc tuned (huge pages)" : "GLIBC_TUNABLES=" + tunables), line);
    }
}
