package dev.uqabench.eval;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uqabench.base.UqaException;
import dev.uqabench.data.arrow.ReleaseWriter;
import dev.uqabench.qa.QuestionSet;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A question set with no questions stops the evaluation with a reason, not an all-NaN table. */
class EvaluationQuestionsTest {

    @Test
    void anEmptyQuestionSetIsAUserErrorNamingTheFile(@TempDir Path qa) {
        try (ReleaseWriter out = ReleaseWriter.create(qa.resolve(QuestionSet.TEST.arrow()), true, 16)) {
            out.commit();
        }
        UqaException e = assertThrows(UqaException.class, () -> Evaluation.Questions.read(qa, QuestionSet.TEST));
        assertTrue(e.getMessage().startsWith(qa.resolve(QuestionSet.TEST.arrow()) + ": no questions to evaluate"),
                e.getMessage());
    }
}
