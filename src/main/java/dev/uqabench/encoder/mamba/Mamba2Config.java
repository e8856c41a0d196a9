package dev.uqabench.encoder.mamba;

import dev.uqabench.encoder.EncoderConfig;
import dev.uqabench.base.UqaException;

/**
 * Mamba4Rec (Mamba-2 blocks) shape.
 *
 * @param hiddenSize     model width (512)
 * @param numberOfLayers residual Mamba-2 blocks (4)
 * @param stateSize      SSM state size N per head (128)
 * @param expand         inner width factor (2)
 * @param headSize       SSM head size P (64); must divide {@code expand * hiddenSize}
 * @param convKernel     causal depthwise convolution width (4)
 * @param chunkSize      chunk length of the chunked (SSD) scan; any value gives the same result
 */
public record Mamba2Config(int hiddenSize, int numberOfLayers, int stateSize, int expand, int headSize,
                           int convKernel, int chunkSize) implements EncoderConfig {

    public Mamba2Config {
        require(hiddenSize > 0 && numberOfLayers > 0 && stateSize > 0 && expand > 0 && headSize > 0
                && convKernel > 0 && chunkSize > 0, "all sizes must be positive");
        require((expand * hiddenSize) % headSize == 0, "inner width " + expand * hiddenSize
                + " (expand x hiddenSize) is not divisible by headSize " + headSize);
    }

    public int innerSize() {
        return expand * hiddenSize;
    }

    public int numberOfHeads() {
        return innerSize() / headSize;
    }

    /** The reference Mamba stack has no dropout. */
    @Override
    public double dropout() {
        return 0;
    }

    @Override
    public long parameterCount(int maxLength) {
        long h = hiddenSize;
        long inner = innerSize();
        long n = stateSize;
        long heads = numberOfHeads();
        long conv = inner + 2 * n;
        long mixer = h * (2 * inner + 2 * n + heads) + conv * convKernel + conv + 3 * heads + inner + inner * h;
        return numberOfLayers * (h + mixer);
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new UqaException("mamba config: " + message);
        }
    }
}
