package dev.uqabench.run;

import dev.uqabench.base.Json;
import dev.uqabench.qa.QuestionConfig;
import dev.uqabench.qa.QuestionFolder;
import dev.uqabench.qa.QuestionSet;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * qa: the questions of the four user groups ({@link QuestionFolder}). Only eval stages may read the
 * test files ({@link QuestionSet#TEST}); every other stage declares the files it reads, never this folder.
 */
public final class QaStage implements Stage<QaStage.Input, QaStage.Output> {

    /**
     * @param dataFolder       the data the questions are about
     * @param seed             the user split's and the question builders' seed
     * @param featureTokenizer the tokenizer that decodes the data's token ids to names
     */
    public record Input(Path dataFolder, QuestionConfig config, long seed, Path featureTokenizer) {
    }

    /** @param folder the question folder: the files of each {@link QuestionSet} */
    public record Output(Path folder) {
    }

    private final StageRunner runner;

    public QaStage(StageRunner runner) {
        this.runner = runner;
    }

    @Override
    public Output run(Path folder, Input in) {
        runner.run("qa", folder, Json.mapper().valueToTree(in.config()), in.seed(), Map.of("data", in.dataFolder()), work -> {
            QuestionFolder.Summary s = QuestionFolder.write(in.dataFolder(), in.config(), in.seed(), in.featureTokenizer(), work);
            Map<String, Object> metrics = new LinkedHashMap<>();
            metrics.put("users_llm", s.llmUsers());
            metrics.put("users_alignment", s.alignmentUsers());
            metrics.put("users_validation", s.validationUsers());
            metrics.put("users_test", s.testUsers());
            metrics.put("llm_questions", s.llmQuestions());
            metrics.put("alignment_questions", s.alignmentQuestions());
            metrics.put("validation_questions", s.validationQuestions());
            metrics.put("test_questions", s.testQuestions());
            metrics.put("test_per_subtask", s.testPerSubtask());
            return metrics;
        });
        return new Output(folder);
    }
}
