package dev.uqabench.encoder.hstu;

import dev.uqabench.encoder.EncoderConfig;
import dev.uqabench.base.UqaException;

/**
 * HSTU shape.
 *
 * @param hiddenSize           model width (512)
 * @param numberOfBlocks       sequential transduction units (4)
 * @param numberOfHeads        heads (8)
 * @param attentionSize        query/key width per head (256)
 * @param linearSize           value/gate width per head (256)
 * @param dropout              dropout before each unit's output projection (0.1)
 * @param relativePositionBias add a learned bias per relative position to the attention scores
 */
public record HstuConfig(int hiddenSize, int numberOfBlocks, int numberOfHeads, int attentionSize, int linearSize,
                         double dropout, boolean relativePositionBias) implements EncoderConfig {

    public HstuConfig {
        require(hiddenSize > 0, "hiddenSize must be positive, got " + hiddenSize);
        require(numberOfBlocks > 0, "numberOfBlocks must be positive, got " + numberOfBlocks);
        require(numberOfHeads > 0, "numberOfHeads must be positive, got " + numberOfHeads);
        require(attentionSize > 0, "attentionSize must be positive, got " + attentionSize);
        require(linearSize > 0, "linearSize must be positive, got " + linearSize);
        require(dropout >= 0 && dropout < 1, "dropout must be in [0, 1), got " + dropout);
    }

    @Override
    public long parameterCount(int maxLength) {
        long h = hiddenSize;
        long heads = numberOfHeads;
        long block = h * 2 * heads * (linearSize + attentionSize) + (heads * linearSize * h + h);
        return numberOfBlocks * block + (relativePositionBias ? 2L * maxLength - 1 : 0);
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new UqaException("hstu config: " + message);
        }
    }
}
