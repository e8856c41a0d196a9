package dev.uqabench.run;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.uqabench.base.ConfigException;
import dev.uqabench.llm.AnswerMode;
import dev.uqabench.align.AlignConfig;
import dev.uqabench.data.synthetic.SyntheticConfig;
import dev.uqabench.encoder.FeatureSet;
import dev.uqabench.llm.TinyLlmConfig;
import dev.uqabench.pretrain.LossType;
import dev.uqabench.pretrain.PretrainConfig;
import dev.uqabench.qa.QuestionConfig;
import java.util.List;

/**
 * Everything a quickstart run needs, one validated record per stage. A {@code --config} file
 * overrides any subset of keys; unknown keys and invalid values fail before any work.
 *
 * Keys are snake_case ({@code answer_mode}, {@code text_events}); see {@link dev.uqabench.base.ConfigLoader}.
 *
 * @param seed       the run seed: data, questions, the tiny LLM and (without a seeds list) alignment
 * @param evalBatchSize questions answered per batch (prompts padded into one pass); option-likelihood answers
 *                   also cut a batch where its padded prompts would pass 512 tokens (long text contexts go one at
 *                   a time: batching them measured slower); consecutive questions whose prompts share 32 or more
 *                   leading tokens (a text baseline's questions about one user) run that history once and their
 *                   own parts as one batch
 * @param answerMode how the LLM answers and is scored ({@link AnswerMode})
 * @param textEvents the N of the text baseline ({@code textN})
 * @param seeds      optional seeds of pretraining and alignment (initialisation and data order) and
 *                   of the shuffled-user derangement; when given they replace {@code pretrain.seed}
 *                   and {@code seed} for those stages. The first seed makes the main run; each further
 *                   one repeats the main comparisons (embedding, its shuffled control, learned prompt)
 *                   in {@code seed-<s>/}. Data, questions and the LLM come from {@code seed} and are
 *                   shared by every repetition. Absent (null): one run, seeded as before.
 * @param lanes      how many independent chains of stages run side by side (1 or 2; {@link Lanes}); absent:
 *                   2 on a machine with two or more cores. Results are the same either way.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record RunConfig(long seed, Sources sources, SyntheticConfig data, QuestionConfig qa, TinyLlmConfig llm, PretrainConfig pretrain,
                        AlignConfig align,
                        AnswerMode answerMode, List<Integer> textEvents, int evalBatchSize, List<Integer> seeds,
                        Integer lanes) {

    private static final String WHERE = "run config";

    public RunConfig {
        if (sources == null) {
            sources = Sources.builtIn();
        }
        require(data != null, "data", "is required");
        require(qa != null, "qa", "is required");
        require(llm != null, "llm", "is required");
        require(pretrain != null, "pretrain", "is required");
        require(align != null, "align", "is required");
        // the control is trained and evaluated beside the embedding variant, never instead of it
        require(align.adapter() != AlignConfig.AdapterKind.LEARNED_PROMPT, "align.adapter",
                "learned_prompt is a control evaluated in every run as variant learned-prompt; choose meanpool or qformer");
        require(answerMode != null, "answer_mode", "must be one of letter, option_text, auto");
        require(textEvents != null && !textEvents.isEmpty() && textEvents.stream().allMatch(n -> n != null && n > 0),
                "text_events", "must be a non-empty list of positive event counts, got " + textEvents);
        require(evalBatchSize > 0, "eval_batch_size", "must be positive, got " + evalBatchSize);
        require(sources.dataFolder() != null || data.lang().equals(qa.lang().code()), "qa.lang",
                "(" + qa.lang().code() + ") must agree with data.lang (" + data.lang()
                        + "): question names are decoded from the data's tokens");
        textEvents = List.copyOf(textEvents);
        seeds = seeds == null ? null : validSeeds(seeds, WHERE, "seeds");
        require(lanes == null || lanes == 1 || lanes == 2, "lanes", "must be 1 or 2, got " + lanes);
    }

    /** The seeds to repeat the main comparisons on; null stands for the single run seeded by {@code seed}. */
    public List<Integer> repetitions() {
        return seeds == null ? java.util.Collections.singletonList(null) : seeds;
    }

    /** A non-empty list of distinct integers; the message names {@code key}. */
    public static List<Integer> validSeeds(List<Integer> seeds, String where, String key) {
        ConfigException.require(seeds != null && !seeds.isEmpty(), where, key,
                "must be a non-empty list of integers, e.g. [1, 2, 3]");
        ConfigException.require(seeds.stream().noneMatch(java.util.Objects::isNull), where, key,
                "must be a list of integers, got " + seeds);
        ConfigException.require(new java.util.HashSet<>(seeds).size() == seeds.size(), where, key,
                "lists a seed twice: " + seeds);
        return List.copyOf(seeds);
    }

    public RunConfig withSources(Sources newSources) {
        return new RunConfig(seed, newSources, data, qa, llm, pretrain, align, answerMode, textEvents, evalBatchSize, seeds, lanes);
    }

    /** The same run with {@code answer_mode: auto} resolved by where the LLM comes from. */
    public RunConfig withResolvedAnswerMode() {
        return new RunConfig(seed, sources, data, qa, llm, pretrain, align, answerMode.resolve(sources.llmFolder() != null),
                textEvents, evalBatchSize, seeds, lanes);
    }

    /** The same run with other {@code seeds} (a study's top-level key). */
    public RunConfig withSeeds(List<Integer> newSeeds) {
        return new RunConfig(seed, sources, data, qa, llm, pretrain, align, answerMode, textEvents, evalBatchSize, newSeeds, lanes);
    }

    /** The embedding variant's name: encoder, then adapter ({@code sasrec-meanpool}). */
    public String softVariant() {
        return pretrain.encoder() + "-" + align.adapter().name().toLowerCase(java.util.Locale.ROOT);
    }

    public static RunConfig quickstart() {
        return new RunConfig(42, Sources.builtIn(), SyntheticConfig.quickstart(), QuestionConfig.defaults(), TinyLlmConfig.quickstart(),
                new PretrainConfig("sasrec", "quickstart", FeatureSet.TEXT, 200, 32, 3, 1e-3, 0.01, 30, 1.0,
                        LossType.AUTO, 1024, 0, 0, 42),
                AlignConfig.quickstart(), AnswerMode.AUTO, List.of(20), 32, null, null);
    }

    private static void require(boolean condition, String key, String problem) {
        ConfigException.require(condition, WHERE, key, problem);
    }
}
