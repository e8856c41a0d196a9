package dev.uqabench.encoder.trmplus;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.uqabench.base.ConfigException;
import dev.uqabench.encoder.EncoderConfig;

/**
 * Trm++ shape.
 *
 * @param hiddenSize     model width (512)
 * @param numberOfLayers pre-norm blocks (4)
 * @param numberOfHeads  heads (4, each 128 wide); must divide the hidden size into an even head size
 * @param ffnSize        SwiGLU inner width (1536 = 8/3 x 512 rounded up to a multiple of 256)
 * @param dropout        attention and residual dropout (0.1)
 * @param ropeBase       rotary embedding base (10000)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record TrmPlusConfig(int hiddenSize, int numberOfLayers, int numberOfHeads, int ffnSize, double dropout,
                            double ropeBase) implements EncoderConfig {

    public TrmPlusConfig {
        require(hiddenSize > 0, "hidden_size", "must be positive, got " + hiddenSize);
        require(numberOfLayers > 0, "number_of_layers", "must be positive, got " + numberOfLayers);
        require(numberOfHeads > 0, "number_of_heads", "must be positive, got " + numberOfHeads);
        require(ffnSize > 0, "ffn_size", "must be positive, got " + ffnSize);
        require(hiddenSize % numberOfHeads == 0, "number_of_heads",
                "must divide hidden_size " + hiddenSize + ", got " + numberOfHeads);
        require((hiddenSize / numberOfHeads) % 2 == 0, "number_of_heads", "must leave an even head size for rotary "
                + "embeddings, got head size " + hiddenSize / numberOfHeads);
        require(dropout >= 0 && dropout < 1, "dropout", "must be in [0, 1), got " + dropout);
        require(ropeBase > 1, "rope_base", "must be > 1, got " + ropeBase);
    }

    /** The reference's FFN width rule: 8/3 of the hidden size, rounded up to a multiple of 256. */
    public static int referenceFfnSize(int hiddenSize) {
        int raw = (int) (8.0 / 3.0 * hiddenSize);
        return 256 * ((raw + 255) / 256);
    }

    @Override
    public long parameterCount(int maxLength) {
        long h = hiddenSize;
        long f = ffnSize;
        return numberOfLayers * (2 * h + 4 * h * h + 3 * h * f);
    }

    private static void require(boolean condition, String key, String problem) {
        ConfigException.require(condition, "trmplus config", key, problem);
    }
}
