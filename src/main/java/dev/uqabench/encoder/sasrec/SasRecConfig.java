package dev.uqabench.encoder.sasrec;

import dev.uqabench.encoder.EncoderConfig;
import dev.uqabench.base.UqaException;

/**
 * SASRec shape.
 *
 * @param hiddenSize     model width (512 in the reference)
 * @param numberOfBlocks Transformer blocks (6)
 * @param numberOfHeads  attention heads (8); must divide the hidden size
 * @param ffnSize        feed-forward inner width (1536)
 * @param dropout        dropout on attention weights and both residual branches (0.1)
 */
public record SasRecConfig(int hiddenSize, int numberOfBlocks, int numberOfHeads, int ffnSize, double dropout)
        implements EncoderConfig {

    public SasRecConfig {
        require(hiddenSize > 0, "hiddenSize must be positive, got " + hiddenSize);
        require(numberOfBlocks > 0, "numberOfBlocks must be positive, got " + numberOfBlocks);
        require(numberOfHeads > 0, "numberOfHeads must be positive, got " + numberOfHeads);
        require(hiddenSize % numberOfHeads == 0,
                "hiddenSize " + hiddenSize + " is not divisible by numberOfHeads " + numberOfHeads);
        require(ffnSize > 0, "ffnSize must be positive, got " + ffnSize);
        require(dropout >= 0 && dropout < 1, "dropout must be in [0, 1), got " + dropout);
    }

    @Override
    public long parameterCount(int maxLength) {
        long h = hiddenSize;
        long f = ffnSize;
        long block = (3 * h * h + 3 * h) + (h * h + h) + 2 * h + (f * h + f) + (h * f + h) + 2 * h;
        return (long) maxLength * h + numberOfBlocks * block + 2 * h;
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new UqaException("sasrec config: " + message);
        }
    }
}
