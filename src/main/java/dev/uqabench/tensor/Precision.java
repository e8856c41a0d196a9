package dev.uqabench.tensor;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The arithmetic a training step runs in: float32 throughout, or bf16 autocast ({@link Autocast}: products in bf16,
 * float32 master weights, gradients and optimizer state). bf16 pays only on a CPU that multiplies it natively
 * (AVX-512 bf16, AMX): an AVX2-only CPU runs libtorch's bf16 products 10-40x slower than float32.
 */
public enum Precision {
    /** bf16 where {@link CpuFeatures#nativeBf16()} says the CPU has it, float32 elsewhere. */
    @JsonProperty("auto") AUTO,
    /** float32 throughout. */
    @JsonProperty("fp32") FP32,
    /** bf16 autocast with float32 master weights, whatever the CPU. */
    @JsonProperty("bf16") BF16;

    /** The precision that runs on this machine: {@link #AUTO} decided by the CPU's flags, the others as they are. */
    public Precision resolve() {
        return resolve(CpuFeatures.nativeBf16());
    }

    Precision resolve(boolean nativeBf16) {
        if (this != AUTO) {
            return this;
        }
        return nativeBf16 ? BF16 : FP32;
    }
}
