package dev.uqabench.align;

import dev.uqabench.data.arrow.ReleaseReader;
import dev.uqabench.data.arrow.ReleaseRow;
import dev.uqabench.llm.AnswerMode;
import dev.uqabench.llm.ChatPrompter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Alignment examples from a qa align file: the question alone in the prompt (the soft tokens carry
 * the user) and the answer the LLM was trained to give ({@link AnswerMode#trainingAnswer}).
 */
public final class AlignExamples {

    private AlignExamples() {
    }

    public static List<AlignTrainer.Example> read(Path file, ChatPrompter prompter, AnswerMode answerMode) {
        List<ReleaseRow> rows = ReleaseReader.open(file).readAll();
        List<AlignTrainer.Example> examples = new ArrayList<>(rows.size());
        for (ReleaseRow row : rows) {
            examples.add(new AlignTrainer.Example(row.sequence(), prompter.prompt(row.chat().question()),
                    prompter.answer(answerMode.trainingAnswer(row.chat().question(), row.chat().answer(),
                            file + " row " + row.index()))));
        }
        return examples;
    }
}
