package dev.uqabench.run;

import dev.uqabench.align.AlignConfig;
import dev.uqabench.data.synthetic.SyntheticConfig;
import dev.uqabench.llm.TinyLlmConfig;
import dev.uqabench.qa.QuestionConfig;
import java.util.List;

/**
 * Everything a quickstart run needs, one validated record per stage. A {@code --config} file
 * overrides any subset of keys; unknown keys and invalid values fail before any work.
 *
 * @param textEvents the N of the text baseline ({@code textN})
 */
public record RunConfig(long seed, SyntheticConfig data, QuestionConfig qa, TinyLlmConfig llm, AlignConfig align,
                        List<Integer> textEvents, int evalBatchSize) {

    public RunConfig {
        if (data == null || qa == null || llm == null || align == null) {
            throw new IllegalArgumentException("data, qa, llm and align sections are required");
        }
        if (textEvents == null || textEvents.isEmpty() || textEvents.stream().anyMatch(n -> n <= 0)) {
            throw new IllegalArgumentException("textEvents must be a non-empty list of positive event counts");
        }
        if (evalBatchSize <= 0) {
            throw new IllegalArgumentException("evalBatchSize must be positive");
        }
        if (!data.lang().equals(qa.lang().code())) {
            throw new IllegalArgumentException("data.lang (" + data.lang() + ") and qa.lang (" + qa.lang().code()
                    + ") must agree: question names are decoded from the data's tokens");
        }
        textEvents = List.copyOf(textEvents);
    }

    public static RunConfig quickstart() {
        return new RunConfig(42, SyntheticConfig.quickstart(), QuestionConfig.defaults(), TinyLlmConfig.quickstart(),
                AlignConfig.quickstart(), List.of(20), 32);
    }
}
