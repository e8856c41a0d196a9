package dev.uqabench.encoder.gru4rec;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.uqabench.base.ConfigException;
import dev.uqabench.encoder.EncoderConfig;

/**
 * GRU4Rec shape.
 *
 * @param hiddenSize     input and output width (512)
 * @param numberOfLayers stacked GRU layers (2)
 * @param gruSize        GRU state width (1024, twice the hidden size in the reference)
 * @param dropout        dropout on the GRU outputs (0.1)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Gru4RecConfig(int hiddenSize, int numberOfLayers, int gruSize, double dropout) implements EncoderConfig {

    @Override
    public long parameterCount(int maxLength) {
        long g = gruSize;
        long h = hiddenSize;
        long layers = 3 * g * h + 3 * g * g + (numberOfLayers - 1) * 6 * g * g;
        return layers + (g * h + h) + 2 * h;
    }

    public Gru4RecConfig {
        require(hiddenSize > 0, "hidden_size", "must be positive, got " + hiddenSize);
        require(numberOfLayers > 0, "number_of_layers", "must be positive, got " + numberOfLayers);
        require(gruSize > 0, "gru_size", "must be positive, got " + gruSize);
        require(dropout >= 0 && dropout < 1, "dropout", "must be in [0, 1), got " + dropout);
    }

    private static void require(boolean condition, String key, String problem) {
        ConfigException.require(condition, "gru4rec config", key, problem);
    }
}
