package dev.uqabench.llm;

import java.util.List;

/**
 * Size and training settings of the built-in tiny LLM, a Qwen2-architecture decoder trained by
 * the project on the run's own alignment questions (with text contexts) so the quickstart needs
 * no download.
 *
 * @param contextLengths events of history written into the prompt, one drawn per example (0 = question only)
 * @param answerWeight   loss weight of the answer tokens relative to the other tokens
 * @param drills         category-recall warm-up questions added to the training text ({@link RecallDrills})
 */
public record TinyLlmConfig(int hiddenSize, int layers, int heads, int kvHeads, int intermediateSize,
                            int steps, int batchSize, double learningRate, int warmupSteps,
                            double answerWeight, List<Integer> contextLengths, int maxTokens, int drills) {

    public TinyLlmConfig {
        require(hiddenSize > 0, "hiddenSize", "must be positive");
        require(layers > 0, "layers", "must be positive");
        require(heads > 0 && hiddenSize % heads == 0, "heads", "must be positive and divide hiddenSize " + hiddenSize);
        require(kvHeads > 0 && heads % kvHeads == 0, "kvHeads", "must be positive and divide heads " + heads);
        require(intermediateSize > 0, "intermediateSize", "must be positive");
        require(steps > 0, "steps", "must be positive");
        require(batchSize > 0, "batchSize", "must be positive");
        require(learningRate > 0, "learningRate", "must be positive");
        require(warmupSteps >= 0 && warmupSteps < steps, "warmupSteps", "must be in [0, steps)");
        require(answerWeight > 0, "answerWeight", "must be positive");
        require(contextLengths != null && !contextLengths.isEmpty() && contextLengths.stream().allMatch(n -> n >= 0),
                "contextLengths", "must be a non-empty list of non-negative event counts");
        require(maxTokens > 8, "maxTokens", "must be > 8");
        require(drills >= 0, "drills", "must be >= 0");
        contextLengths = List.copyOf(contextLengths);
    }

    public static TinyLlmConfig quickstart() {
        return new TinyLlmConfig(128, 2, 8, 4, 256, 1200, 8, 2e-3, 50, 10.0, List.of(0, 20, 20, 20), 512, 20000);
    }

    private static void require(boolean ok, String key, String what) {
        if (!ok) {
            throw new IllegalArgumentException(key + " " + what);
        }
    }
}
