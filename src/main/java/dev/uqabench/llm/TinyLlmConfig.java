package dev.uqabench.llm;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.uqabench.base.ConfigException;
import dev.uqabench.base.DerivedFrom;
import dev.uqabench.tensor.Precision;
import java.util.List;

/**
 * Size and training settings of the built-in tiny LLM, a Qwen2-architecture decoder trained by
 * the project on the run's own alignment questions (with text contexts) so the quickstart needs
 * no download.
 *
 * @param hiddenSize       width of the tiny decoder
 * @param layers           decoder layers
 * @param heads            attention heads
 * @param kvHeads          key/value heads (grouped-query attention; divides heads)
 * @param intermediateSize width of the SwiGLU MLP
 * @param steps            training steps
 * @param batchSize        conversations per step
 * @param learningRate     AdamW peak learning rate (warm-up, then cosine decay to 10 %)
 * @param maxTokens        longest training sequence in tokens (longer ones keep their start)
 * @param contextLengths events of history written into the prompt, one drawn per example (0 = question only)
 * @param answerWeight   loss weight of the answer tokens relative to the other tokens
 * @param warmupSteps    linear warm-up steps; left out of a config that sets {@code steps}, it keeps its share of them
 * @param drills         category-recall warm-up questions added to the training text ({@link RecallDrills})
 * @param batching       how examples form batches: {@code random} (each step draws its own) or {@code by_length}
 *                       (a group of batches is drawn at once, sorted by length and cut, so a batch pads little)
 * @param precision      the training step's arithmetic: {@code fp32}, {@code bf16} (autocast, float32 master
 *                       weights and optimizer state) or {@code auto} (bf16 where the CPU has it natively)
 * @param workers        threads that share each batch ({@link TinyLlmTrainer}): each runs the forward and backward
 *                       pass of its slice of the conversations, padded to its own longest, and the gradients are summed
 *                       in a fixed order, so a run gives the same weights however the threads are scheduled; 1 runs the
 *                       whole batch on the calling thread. The figures depend on it in their last bits (each slice is a
 *                       product of its own shape), so it is part of the recipe (null, as in manifests before it: 1)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record TinyLlmConfig(int hiddenSize, int layers, int heads, int kvHeads, int intermediateSize,
                            int steps, int batchSize, double learningRate,
                            @DerivedFrom("steps") int warmupSteps,
                            double answerWeight, List<Integer> contextLengths, int maxTokens, int drills,
                            Batching batching, Precision precision, Integer workers) {

    /** How training examples form batches. */
    public enum Batching {
        /** Every step draws its batch at random: rows of very different lengths pad to the longest. */
        @JsonProperty("random") RANDOM,
        /**
         * {@link TinyLlmTrainer#LENGTH_GROUP} batches are drawn at random at once, sorted by length, cut into
         * batches and visited in random order: the same examples, much less padding.
         */
        @JsonProperty("by_length") BY_LENGTH
    }

    public TinyLlmConfig {
        require(hiddenSize > 0, "hidden_size", "must be positive, got " + hiddenSize);
        require(layers > 0, "layers", "must be positive, got " + layers);
        require(heads > 0 && hiddenSize % heads == 0, "heads", "must be positive and divide hidden_size " + hiddenSize
                + ", got " + heads);
        require(kvHeads > 0 && heads % kvHeads == 0, "kv_heads", "must be positive and divide heads " + heads
                + ", got " + kvHeads);
        require(intermediateSize > 0, "intermediate_size", "must be positive, got " + intermediateSize);
        require(steps > 0, "steps", "must be positive, got " + steps);
        require(batchSize > 0, "batch_size", "must be positive, got " + batchSize);
        require(learningRate > 0 && Double.isFinite(learningRate), "learning_rate", "must be positive and finite, got "
                + learningRate);
        require(warmupSteps >= 0 && warmupSteps < steps, "warmup_steps", "must be in [0, steps " + steps + "), got "
                + warmupSteps);
        require(answerWeight > 0 && Double.isFinite(answerWeight), "answer_weight", "must be positive and finite, got "
                + answerWeight);
        require(contextLengths != null && !contextLengths.isEmpty()
                        && contextLengths.stream().allMatch(n -> n != null && n >= 0),
                "context_lengths", "must be a non-empty list of non-negative event counts, got " + contextLengths);
        require(maxTokens > 8, "max_tokens", "must be > 8, got " + maxTokens);
        require(drills >= 0, "drills", "must be >= 0, got " + drills);
        require(batching != null, "batching", "must be one of random, by_length");
        if (precision == null) {
            precision = Precision.FP32;
        }
        if (workers == null) {
            workers = 1;
        }
        require(workers >= 1 && workers <= batchSize, "workers", "must be in [1, batch_size " + batchSize + "], got "
                + workers);
        contextLengths = List.copyOf(contextLengths);
    }

    public static TinyLlmConfig quickstart() {
        return new TinyLlmConfig(128, 2, 8, 4, 256, 1200, 8, 2e-3, 50, 10.0, List.of(0, 20, 20, 20), 512, 20000,
                Batching.BY_LENGTH, Precision.FP32, 2);
    }

    /** The same settings for {@code newSteps} steps (warm-up cut to fit). */
    public TinyLlmConfig withSteps(int newSteps) {
        return new TinyLlmConfig(hiddenSize, layers, heads, kvHeads, intermediateSize, newSteps, batchSize, learningRate,
                Math.min(warmupSteps, newSteps - 1), answerWeight, contextLengths, maxTokens, drills, batching, precision,
                workers);
    }

    /** The same settings in another precision. */
    public TinyLlmConfig withPrecision(Precision value) {
        return new TinyLlmConfig(hiddenSize, layers, heads, kvHeads, intermediateSize, steps, batchSize, learningRate,
                warmupSteps, answerWeight, contextLengths, maxTokens, drills, batching, value, workers);
    }

    /** The same settings with {@code value} threads sharing each batch. */
    public TinyLlmConfig withWorkers(int value) {
        return new TinyLlmConfig(hiddenSize, layers, heads, kvHeads, intermediateSize, steps, batchSize, learningRate,
                warmupSteps, answerWeight, contextLengths, maxTokens, drills, batching, precision, value);
    }

    /** float32 training on one thread, as every run before the precision and workers keys. */
    public TinyLlmConfig(int hiddenSize, int layers, int heads, int kvHeads, int intermediateSize, int steps,
                         int batchSize, double learningRate, int warmupSteps, double answerWeight,
                         List<Integer> contextLengths, int maxTokens, int drills, Batching batching) {
        this(hiddenSize, layers, heads, kvHeads, intermediateSize, steps, batchSize, learningRate, warmupSteps,
                answerWeight, contextLengths, maxTokens, drills, batching, Precision.FP32, 1);
    }

    private static void require(boolean condition, String key, String problem) {
        ConfigException.require(condition, "tiny LLM config", key, problem);
    }
}
