package dev.uqabench.run;

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
 * @param answerMode how the LLM answers and is scored ({@link AnswerMode})
 * @param textEvents the N of the text baseline ({@code textN})
 * @param seeds      optional seeds of pretraining and alignment (initialisation and data order) and
 *                   of the shuffled-user derangement; when given they replace {@code pretrain.seed}
 *                   and {@code seed} for those stages. The first seed makes the main run; each further
 *                   one repeats the main comparisons (embedding, its shuffled control, learned prompt)
 *                   in {@code seed-<s>/}. Data, questions and the LLM come from {@code seed} and are
 *                   shared by every repetition. Absent (null): one run, seeded as before.
 */
public record RunConfig(long seed, Sources sources, SyntheticConfig data, QuestionConfig qa, TinyLlmConfig llm, PretrainConfig pretrain,
                        AlignConfig align,
                        AnswerMode answerMode, List<Integer> textEvents, int evalBatchSize, List<Integer> seeds) {

    public RunConfig {
        if (sources == null) {
            sources = Sources.builtIn();
        }
        if (data == null || qa == null || llm == null || pretrain == null || align == null) {
            throw new IllegalArgumentException("data, qa, llm, pretrain and align sections are required");
        }
        if (align.adapter() == AlignConfig.AdapterKind.LEARNED_PROMPT) {
            // the control is trained and evaluated beside the embedding variant, never instead of it
            throw new IllegalArgumentException("align.adapter: LEARNED_PROMPT is a control evaluated in every run as variant "
                    + "learned-prompt; choose MEANPOOL or QFORMER");
        }
        if (answerMode == null) {
            throw new IllegalArgumentException("answerMode must be letter, option_text or auto");
        }
        if (textEvents == null || textEvents.isEmpty() || textEvents.stream().anyMatch(n -> n <= 0)) {
            throw new IllegalArgumentException("textEvents must be a non-empty list of positive event counts");
        }
        if (evalBatchSize <= 0) {
            throw new IllegalArgumentException("evalBatchSize must be positive");
        }
        if (sources.dataFolder() == null && !data.lang().equals(qa.lang().code())) {
            throw new IllegalArgumentException("data.lang (" + data.lang() + ") and qa.lang (" + qa.lang().code()
                    + ") must agree: question names are decoded from the data's tokens");
        }
        textEvents = List.copyOf(textEvents);
        seeds = seeds == null ? null : validSeeds(seeds, "seeds");
    }

    /** The seeds to repeat the main comparisons on; null stands for the single run seeded by {@code seed}. */
    public List<Integer> repetitions() {
        return seeds == null ? java.util.Collections.singletonList(null) : seeds;
    }

    /** A non-empty list of distinct integers; the message names {@code key}. */
    public static List<Integer> validSeeds(List<Integer> seeds, String key) {
        if (seeds == null || seeds.isEmpty()) {
            throw new IllegalArgumentException(key + " must be a non-empty list of integers, e.g. [1, 2, 3]");
        }
        if (seeds.stream().anyMatch(java.util.Objects::isNull)) {
            throw new IllegalArgumentException(key + " must be a list of integers, got " + seeds);
        }
        if (new java.util.HashSet<>(seeds).size() != seeds.size()) {
            throw new IllegalArgumentException(key + " lists a seed twice: " + seeds);
        }
        return List.copyOf(seeds);
    }

    public RunConfig withSources(Sources newSources) {
        return new RunConfig(seed, newSources, data, qa, llm, pretrain, align, answerMode, textEvents, evalBatchSize, seeds);
    }

    /** The same run with {@code answerMode: auto} resolved by where the LLM comes from. */
    public RunConfig withResolvedAnswerMode() {
        return new RunConfig(seed, sources, data, qa, llm, pretrain, align, answerMode.resolve(sources.llmFolder() != null),
                textEvents, evalBatchSize, seeds);
    }

    /** The same run with other {@code seeds} (a study's top-level key). */
    public RunConfig withSeeds(List<Integer> newSeeds) {
        return new RunConfig(seed, sources, data, qa, llm, pretrain, align, answerMode, textEvents, evalBatchSize, newSeeds);
    }

    /** The embedding variant's name: encoder, then adapter ({@code sasrec-meanpool}). */
    public String softVariant() {
        return pretrain.encoder() + "-" + align.adapter().name().toLowerCase(java.util.Locale.ROOT);
    }

    public static RunConfig quickstart() {
        return new RunConfig(42, Sources.builtIn(), SyntheticConfig.quickstart(), QuestionConfig.defaults(), TinyLlmConfig.quickstart(),
                new PretrainConfig("sasrec", "quickstart", FeatureSet.TEXT, 200, 32, 3, 1e-3, 0.01, 30, 1.0,
                        LossType.FULL_SOFTMAX, 1024, 0, 0, 42),
                AlignConfig.quickstart(), AnswerMode.AUTO, List.of(20), 32, null);
    }
}
