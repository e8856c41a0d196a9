package dev.uqabench.encoder.hstu;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.uqabench.base.ConfigException;
import dev.uqabench.encoder.EncoderConfig;

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
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record HstuConfig(int hiddenSize, int numberOfBlocks, int numberOfHeads, int attentionSize, int linearSize,
                         double dropout, boolean relativePositionBias) implements EncoderConfig {

    public HstuConfig {
        require(hiddenSize > 0, "hidden_size", "must be positive, got " + hiddenSize);
        require(numberOfBlocks > 0, "number_of_blocks", "must be positive, got " + numberOfBlocks);
        require(numberOfHeads > 0, "number_of_heads", "must be positive, got " + numberOfHeads);
        require(attentionSize > 0, "attention_size", "must be positive, got " + attentionSize);
        require(linearSize > 0, "linear_size", "must be positive, got " + linearSize);
        require(dropout >= 0 && dropout < 1, "dropout", "must be in [0, 1), got " + dropout);
    }

    @Override
    public long parameterCount(int maxLength) {
        long h = hiddenSize;
        long heads = numberOfHeads;
        long block = h * 2 * heads * (linearSize + attentionSize) + (heads * linearSize * h + h);
        return numberOfBlocks * block + (relativePositionBias ? 2L * maxLength - 1 : 0);
    }

    private static void require(boolean condition, String key, String problem) {
        ConfigException.require(condition, "hstu config", key, problem);
    }
}
