package dev.uqabench.qa;

import dev.uqabench.data.arrow.ReleaseLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The four question sets of a qa folder, one per user group ({@link dev.uqabench.data.UserRoles}):
 * each is a release-layout align file (each row holds the sequence prefix the question is about) and
 * question JSONL with sub-task and context length. A release's own questions have only the
 * {@link #ALIGNMENT} and {@link #TEST} align files.
 */
public enum QuestionSet {
    /** Questions that train only the built-in LLM: training users apart from the alignment users. */
    LLM(ReleaseLayout.ALIGN_LLM, "questions_llm.jsonl", "llm"),
    /** Questions the adapter is aligned on. */
    ALIGNMENT(ReleaseLayout.ALIGN_TRAIN, "questions_train.jsonl", "train"),
    /** Held-out users apart from the test users: every choice is made on them. */
    VALIDATION(ReleaseLayout.ALIGN_VALID, "questions_valid.jsonl", "valid"),
    /** The test questions: inputs of eval stages only. */
    TEST(ReleaseLayout.ALIGN_EVAL, "questions_eval.jsonl", "eval");

    private final String arrow;
    private final String jsonl;
    private final String code;

    QuestionSet(String arrow, String jsonl, String code) {
        this.arrow = arrow;
        this.jsonl = jsonl;
        this.code = code;
    }

    /** The align file's name. */
    public String arrow() {
        return arrow;
    }

    /** The question JSONL's name. */
    public String jsonl() {
        return jsonl;
    }

    /** The short name in file names and manifests ({@code valid} for {@link #VALIDATION}). */
    public String code() {
        return code;
    }

    /** Both files' names: what a stage that must not see this set never declares as input. */
    public List<String> files() {
        return List.of(arrow, jsonl);
    }

    /** Whether {@code qaFolder} holds this set's align file (a release's own questions have no validation set). */
    public boolean existsIn(Path qaFolder) {
        return Files.isRegularFile(qaFolder.resolve(arrow));
    }
}
