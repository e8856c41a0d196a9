package dev.uqabench.encoder.gru4rec;

import dev.uqabench.encoder.EncoderConfig;
import dev.uqabench.base.UqaException;

/**
 * GRU4Rec shape.
 *
 * @param hiddenSize     input and output width (512)
 * @param numberOfLayers stacked GRU layers (2)
 * @param gruSize        GRU state width (1024, twice the hidden size in the reference)
 * @param dropout        dropout on the GRU outputs (0.1)
 */
public record Gru4RecConfig(int hiddenSize, int numberOfLayers, int gruSize, double dropout) implements EncoderConfig {

    @Override
    public long parameterCount(int maxLength) {
        long g = gruSize;
        long h = hiddenSize;
        long layers = 3 * g * h + 3 * g * g + (numberOfLayers - 1) * 6 * g * g;
        return layers + (g * h + h) + 2 * h;
    }

    public Gru4RecConfig {
        if (hiddenSize <= 0 || numberOfLayers <= 0 || gruSize <= 0) {
            throw new UqaException("gru4rec config: hiddenSize, numberOfLayers and gruSize must be positive, got "
                    + hiddenSize + ", " + numberOfLayers + ", " + gruSize);
        }
        if (dropout < 0 || dropout >= 1) {
            throw new UqaException("gru4rec config: dropout must be in [0, 1), got " + dropout);
        }
    }
}
