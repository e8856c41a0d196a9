package dev.uqabench.encoder.mamba;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.uqabench.base.ConfigException;
import dev.uqabench.encoder.EncoderConfig;

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
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Mamba2Config(int hiddenSize, int numberOfLayers, int stateSize, int expand, int headSize,
                           int convKernel, int chunkSize) implements EncoderConfig {

    public Mamba2Config {
        require(hiddenSize > 0, "hidden_size", "must be positive, got " + hiddenSize);
        require(numberOfLayers > 0, "number_of_layers", "must be positive, got " + numberOfLayers);
        require(stateSize > 0, "state_size", "must be positive, got " + stateSize);
        require(expand > 0, "expand", "must be positive, got " + expand);
        require(headSize > 0, "head_size", "must be positive, got " + headSize);
        require(convKernel > 0, "conv_kernel", "must be positive, got " + convKernel);
        require(chunkSize > 0, "chunk_size", "must be positive, got " + chunkSize);
        require((expand * hiddenSize) % headSize == 0, "head_size", "must divide the inner width "
                + expand * hiddenSize + " (expand x hidden_size), got " + headSize);
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

    private static void require(boolean condition, String key, String problem) {
        ConfigException.require(condition, "mamba config", key, problem);
    }
}
