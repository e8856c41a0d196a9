package dev.uqabench.llm;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.uqabench.base.UqaException;

import java.util.List;
import java.util.Locale;

/**
 * The architecture of a Qwen2 or Llama decoder, read from a Hugging Face {@code config.json}.
 *
 * <p>Keys we do not model (e.g. {@code transformers_version}) are ignored, as Hugging Face itself does;
 * every key that changes the computation is either modelled here or refused by name when set to a value
 * we cannot run ({@code use_sliding_window}, {@code mlp_bias}, other {@code rope_scaling} types).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DecoderConfig(
        @JsonProperty("model_type") String modelType,
        @JsonProperty("vocab_size") Integer vocabSize,
        @JsonProperty("hidden_size") Integer hiddenSize,
        @JsonProperty("intermediate_size") Integer intermediateSize,
        @JsonProperty("num_hidden_layers") Integer numberOfLayers,
        @JsonProperty("num_attention_heads") Integer numberOfHeads,
        @JsonProperty("num_key_value_heads") Integer numberOfKeyValueHeads,
        @JsonProperty("head_dim") Integer headDim,
        @JsonProperty("max_position_embeddings") Integer maxPositionEmbeddings,
        @JsonProperty("rope_theta") Double ropeTheta,
        @JsonProperty("rope_scaling") RopeScaling ropeScaling,
        @JsonProperty("rms_norm_eps") Double rmsNormEps,
        @JsonProperty("tie_word_embeddings") Boolean tieWordEmbeddings,
        @JsonProperty("attention_bias") Boolean attentionBias,
        @JsonProperty("mlp_bias") Boolean mlpBias,
        @JsonProperty("use_sliding_window") Boolean useSlidingWindow,
        @JsonProperty("hidden_act") String hiddenAct,
        @JsonProperty("initializer_range") Double initializerRange,
        @JsonProperty("bos_token_id") Integer bosTokenId,
        @JsonProperty("eos_token_id") @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<Integer> eosTokenIds) {

    /** The architectures this runtime implements exactly. */
    public enum ModelType { QWEN2, LLAMA }

    /** {@code rope_scaling}: only the {@code linear} and {@code llama3} rules are implemented. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RopeScaling(
            @JsonProperty("rope_type") @JsonAlias("type") String ropeType,
            @JsonProperty("factor") Double factor,
            @JsonProperty("low_freq_factor") Double lowFreqFactor,
            @JsonProperty("high_freq_factor") Double highFreqFactor,
            @JsonProperty("original_max_position_embeddings") Integer originalMaxPositionEmbeddings) {
        public RopeScaling {
            require(ropeType != null, "rope_scaling.rope_type", "is missing");
            if (!ropeType.equals("default")) {
                require(ropeType.equals("linear") || ropeType.equals("llama3"), "rope_scaling.rope_type",
                        "'" + ropeType + "' is not supported (supported: linear, llama3)");
                require(factor != null && factor > 0, "rope_scaling.factor", "must be a positive number");
            }
            if (ropeType.equals("llama3")) {
                require(lowFreqFactor != null && lowFreqFactor > 0, "rope_scaling.low_freq_factor", "must be positive");
                require(highFreqFactor != null && highFreqFactor > lowFreqFactor, "rope_scaling.high_freq_factor",
                        "must exceed low_freq_factor");
                require(originalMaxPositionEmbeddings != null && originalMaxPositionEmbeddings > 0,
                        "rope_scaling.original_max_position_embeddings", "must be positive");
            }
        }
    }

    public DecoderConfig {
        require(modelType != null, "model_type", "is missing");
        require(modelType.equals("qwen2") || modelType.equals("llama"), "model_type",
                "'" + modelType + "' is not supported (supported: qwen2, llama)");
        requirePositive(vocabSize, "vocab_size");
        requirePositive(hiddenSize, "hidden_size");
        requirePositive(intermediateSize, "intermediate_size");
        requirePositive(numberOfLayers, "num_hidden_layers");
        requirePositive(numberOfHeads, "num_attention_heads");
        if (numberOfKeyValueHeads == null) numberOfKeyValueHeads = numberOfHeads;
        requirePositive(numberOfKeyValueHeads, "num_key_value_heads");
        require(numberOfHeads % numberOfKeyValueHeads == 0, "num_key_value_heads",
                numberOfKeyValueHeads + " does not divide num_attention_heads " + numberOfHeads);
        if (headDim == null) {
            require(hiddenSize % numberOfHeads == 0, "num_attention_heads",
                    numberOfHeads + " does not divide hidden_size " + hiddenSize);
            headDim = hiddenSize / numberOfHeads;
        }
        requirePositive(headDim, "head_dim");
        require(headDim % 2 == 0, "head_dim", headDim + " must be even for rotary embeddings");
        if (maxPositionEmbeddings == null) maxPositionEmbeddings = 32768;
        requirePositive(maxPositionEmbeddings, "max_position_embeddings");
        if (ropeTheta == null) ropeTheta = 10000.0;
        require(ropeTheta > 0, "rope_theta", "must be positive");
        if (rmsNormEps == null) rmsNormEps = 1e-6;
        require(rmsNormEps > 0, "rms_norm_eps", "must be positive");
        if (tieWordEmbeddings == null) tieWordEmbeddings = false;
        if (attentionBias == null) attentionBias = false;
        if (mlpBias == null) mlpBias = false;
        require(!mlpBias, "mlp_bias", "true is not supported");
        if (useSlidingWindow == null) useSlidingWindow = false;
        require(!useSlidingWindow, "use_sliding_window", "true is not supported (full attention only)");
        if (hiddenAct == null) hiddenAct = "silu";
        require(hiddenAct.equals("silu"), "hidden_act", "'" + hiddenAct + "' is not supported (supported: silu)");
        if (initializerRange == null) initializerRange = 0.02;
        require(initializerRange > 0, "initializer_range", "must be positive");
        eosTokenIds = eosTokenIds == null ? List.of() : List.copyOf(eosTokenIds);
    }

    /** A Qwen2 architecture with Hugging Face's defaults, for a model trained from scratch. */
    public static DecoderConfig qwen2(int vocabSize, int hiddenSize, int intermediateSize, int numberOfLayers,
                                      int numberOfHeads, int numberOfKeyValueHeads, int maxPositionEmbeddings,
                                      boolean tieWordEmbeddings) {
        return new DecoderConfig("qwen2", vocabSize, hiddenSize, intermediateSize, numberOfLayers, numberOfHeads,
                numberOfKeyValueHeads, null, maxPositionEmbeddings, 10000.0, null, 1e-6, tieWordEmbeddings,
                null, null, null, "silu", 0.02, null, null);
    }

    public ModelType type() {
        return ModelType.valueOf(modelType.toUpperCase(Locale.ROOT));
    }

    /** Qwen2 always has q/k/v bias; Llama has q/k/v and output bias when {@code attention_bias} is set. */
    public boolean qkvBias() {
        return type() == ModelType.QWEN2 || attentionBias;
    }

    public boolean outputBias() {
        return type() == ModelType.LLAMA && attentionBias;
    }

    public int kvGroupSize() {
        return numberOfHeads / numberOfKeyValueHeads;
    }

    /** A copy with new special-token ids (used when saving a model trained with its own tokenizer). */
    public DecoderConfig withSpecialTokens(Integer bos, List<Integer> eos) {
        return new DecoderConfig(modelType, vocabSize, hiddenSize, intermediateSize, numberOfLayers, numberOfHeads,
                numberOfKeyValueHeads, headDim, maxPositionEmbeddings, ropeTheta, ropeScaling, rmsNormEps,
                tieWordEmbeddings, attentionBias, mlpBias, useSlidingWindow, hiddenAct, initializerRange, bos, eos);
    }

    private static void requirePositive(Integer value, String key) {
        require(value != null, key, "is missing");
        require(value > 0, key, value + " must be positive");
    }

    private static void require(boolean ok, String key, String problem) {
        if (!ok) throw new UqaException("config key '" + key + "' " + problem);
    }
}
