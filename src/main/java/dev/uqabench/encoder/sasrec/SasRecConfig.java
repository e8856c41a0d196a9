package dev.uqabench.encoder.sasrec;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.uqabench.base.ConfigException;
import dev.uqabench.encoder.EncoderConfig;

/**
 * SASRec shape.
 *
 * @param hiddenSize     model width (512 in the reference)
 * @param numberOfBlocks Transformer blocks (6)
 * @param numberOfHeads  attention heads (8); must divide the hidden size
 * @param ffnSize        feed-forward inner width (1536)
 * @param dropout        dropout on attention weights and both residual branches (0.1)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record SasRecConfig(int hiddenSize, int numberOfBlocks, int numberOfHeads, int ffnSize, double dropout)
        implements EncoderConfig {

    public SasRecConfig {
        require(hiddenSize > 0, "hidden_size", "must be positive, got " + hiddenSize);
        require(numberOfBlocks > 0, "number_of_blocks", "must be positive, got " + numberOfBlocks);
        require(numberOfHeads > 0, "number_of_heads", "must be positive, got " + numberOfHeads);
        require(hiddenSize % numberOfHeads == 0, "number_of_heads",
                "must divide hidden_size " + hiddenSize + ", got " + numberOfHeads);
        require(ffnSize > 0, "ffn_size", "must be positive, got " + ffnSize);
        require(dropout >= 0 && dropout < 1, "dropout", "must be in [0, 1), got " + dropout);
    }

    @Override
    public long parameterCount(int maxLength) {
        long h = hiddenSize;
        long f = ffnSize;
        long block = (3 * h * h + 3 * h) + (h * h + h) + 2 * h + (f * h + f) + (h * f + h) + 2 * h;
        return (long) maxLength * h + numberOfBlocks * block + 2 * h;
    }

    private static void require(boolean condition, String key, String problem) {
        ConfigException.require(condition, "sasrec config", key, problem);
    }
}
