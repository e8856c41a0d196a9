package dev.uqabench.run;

import dev.uqabench.eval.AnswerMode;
import dev.uqabench.base.AtomicFiles;
import dev.uqabench.base.Json;
import dev.uqabench.base.UqaException;
import dev.uqabench.data.EventText;
import dev.uqabench.data.UserSequence;
import dev.uqabench.data.arrow.ReleaseLayout;
import dev.uqabench.data.arrow.ReleaseReader;
import dev.uqabench.data.arrow.ReleaseRow;
import dev.uqabench.eval.Answerer;
import dev.uqabench.eval.Metrics;
import dev.uqabench.eval.Prediction;
import dev.uqabench.eval.PredictionsJsonl;
import dev.uqabench.eval.Scorer;
import dev.uqabench.eval.ShuffledUsers;
import dev.uqabench.eval.Variant;
import dev.uqabench.llm.ChatPrompter;
import dev.uqabench.llm.LoadedModel;
import dev.uqabench.qa.Subtask;
import dev.uqabench.qa.QuestionsJsonl;
import dev.uqabench.qa.ReferenceRules;
import dev.uqabench.qa.TextContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * eval: answers the test questions with one variant (question only, text context, or soft
 * tokens), writes {@code predictions.jsonl} and {@code metrics.json} scored as the reference does.
 */
public final class EvalStage {

    public static final String PREDICTIONS = "predictions.jsonl";
    public static final String METRICS = "metrics.json";

    private EvalStage() {
    }

    /**
     * Which questions to answer: the test set, or the validation set that best-variant picks use
     * (written by the qa stage when it makes a validation split; absent in older run folders).
     */
    public enum QuestionSet {
        TEST(ReleaseLayout.ALIGN_EVAL, QaStage.QUESTIONS_EVAL),
        VALID(ReleaseLayout.ALIGN_VALID, QaStage.QUESTIONS_VALID);

        private final String arrow;
        private final String jsonl;

        QuestionSet(String arrow, String jsonl) {
            this.arrow = arrow;
            this.jsonl = jsonl;
        }

        public String arrow() {
            return arrow;
        }

        public boolean existsIn(Path qaFolder) {
            return java.nio.file.Files.isRegularFile(qaFolder.resolve(arrow));
        }
    }

    /** The shuffled-user control's user-to-donor map, written beside its predictions. */
    public static final String DONORS = "donors.json";

    /** What every variant needs besides the LLM and the questions. */
    public record Context(EventText text, String lang, dev.uqabench.qa.Nouns nouns, int batchSize) {
    }

    public static StageRunner.Outcome run(StageRunner runner, Path folder, Variant variant, Path qaFolder,
                                          Map<String, Path> upstream, java.util.function.Supplier<LoadedModel> llm,
                                          java.util.function.Supplier<Context> context,
                                          java.util.function.Supplier<Answerer.SoftPrompt> soft, AnswerMode answerMode,
                                          long seed, Progress progress) {
        return run(runner, folder, variant, QuestionSet.TEST, qaFolder, upstream, llm, context, soft, answerMode, seed,
                progress);
    }

    public static StageRunner.Outcome run(StageRunner runner, Path folder, Variant variant, QuestionSet set, Path qaFolder,
                                          Map<String, Path> upstream, java.util.function.Supplier<LoadedModel> llm,
                                          java.util.function.Supplier<Context> context,
                                          java.util.function.Supplier<Answerer.SoftPrompt> soft, AnswerMode answerMode,
                                          long seed, Progress progress) {
        Map<String, Path> inputs = new LinkedHashMap<>(upstream);
        inputs.put("qa", qaFolder);
        var config = Json.mapper().createObjectNode().put("variant", variant.name()).put("answerMode", answerMode.name());
        if (set != QuestionSet.TEST) {
            config.put("questions", set.name().toLowerCase(java.util.Locale.ROOT));
        }
        return runner.run("eval/" + variant.name(), folder, config, seed, inputs, work -> {
            Path alignEval = qaFolder.resolve(set.arrow);
            List<ReleaseRow> rows = ReleaseReader.open(alignEval).readAll();
            List<String> ids = questionIds(qaFolder, set, rows.size());
            LoadedModel model = llm.get();
            Context ctx = context.get();
            ChatPrompter prompter = ChatPrompter.of(model);
            List<UserSequence> own = rows.stream().map(ReleaseRow::sequence).toList();
            if (variant.kind() == Variant.Kind.SHUFFLED) {
                AtomicFiles.writeJson(work.resolve(DONORS), ShuffledUsers.donors(own, seed));
            }
            List<UserSequence> sequences = encoderInputs(own, variant, seed);
            List<Answerer.Item> items = new ArrayList<>(rows.size());
            for (int i = 0; i < rows.size(); i++) {
                ReleaseRow row = rows.get(i);
                int events = variant.kind() == Variant.Kind.TEXT ? variant.textEvents() : 0;
                // the prompt is always the question's own; only the encoder's input is substituted
                items.add(new Answerer.Item(TextContext.userTurn(row.sequence(), events, row.chat().question(), ctx.text(),
                        ctx.lang(), ctx.nouns()), sequences.get(i)));
            }
            Progress.Ticker ticker = progress.ticker("eval " + variant.name() + ": question", items.size(), "questions");
            Answerer.SoftPrompt softPrompt = variant.usesSoftTokens() ? soft.get() : null;
            List<Answerer.Answer> answers;
            if (answerMode == AnswerMode.LETTER) {
                answers = Answerer.answer(items, model.decoder(), prompter::prompt, prompter::decode, padId(model),
                        softPrompt, ctx.batchSize(), (done, total) -> ticker.update(done, done, ""));
            } else {
                List<List<long[]>> options = new ArrayList<>(rows.size());
                for (ReleaseRow row : rows) {
                    List<long[]> optionIds = new ArrayList<>(4);
                    for (String text : dev.uqabench.qa.OptionParser.parse(row.chat().question(), alignEval + " row " + row.index())) {
                        optionIds.add(prompter.answer(text));
                    }
                    options.add(optionIds);
                }
                answers = Answerer.answerByLikelihood(items, options, model.decoder(), prompter::prompt, softPrompt,
                        (done, total) -> ticker.update(done, done, ""));
            }
            List<Prediction> predictions = new ArrayList<>(answers.size());
            double tokens = 0;
            double seconds = 0;
            for (int i = 0; i < answers.size(); i++) {
                Answerer.Answer a = answers.get(i);
                ReleaseRow row = rows.get(i);
                Subtask subtask = row.subtask() != null ? Subtask.fromCode(row.subtask())
                        : ReferenceRules.classify(row.chat().question(), alignEval + " row " + row.index());
                predictions.add(new Prediction(ids.get(i), row.sequence().user(), subtask, variant.name(),
                        row.chat().question(), a.text(), row.chat().answer(), a.promptTokens(), a.seconds()));
                tokens += a.promptTokens();
                seconds += a.seconds();
            }
            PredictionsJsonl.write(work.resolve(PREDICTIONS), predictions);
            Metrics metrics = Scorer.score(predictions);
            metrics.write(work.resolve(METRICS));
            Map<String, Object> headline = new LinkedHashMap<>();
            headline.put("accuracy_all", metrics.all().accuracy());
            headline.put("questions", predictions.size());
            headline.put("mean_prompt_tokens", tokens / Math.max(1, answers.size()));
            headline.put("seconds_per_question", seconds / Math.max(1, answers.size()));
            headline.put("reference_rules_agree", referenceRulesAgree(predictions, metrics));
            return headline;
        });
    }

    /**
     * What the encoder reads per question: the question's own user sequence, except in the
     * shuffled-user control, where it is the full history of the user the seeded derangement maps
     * the question's user to.
     */
    static List<UserSequence> encoderInputs(List<UserSequence> questionSequences, Variant variant, long seed) {
        if (variant.kind() != Variant.Kind.SHUFFLED) {
            return questionSequences;
        }
        return ShuffledUsers.substitute(questionSequences, ShuffledUsers.donors(questionSequences, seed));
    }

    /**
     * For zh questions: scoring by the reference's substring rules (ignoring our sub-task field)
     * must give exactly the same numbers. Returns null when the questions are not zh.
     */
    static Boolean referenceRulesAgree(List<Prediction> predictions, Metrics ours) {
        List<Prediction> bare = new ArrayList<>(predictions.size());
        for (Prediction p : predictions) {
            if (ReferenceRules.tryClassify(p.question()).isEmpty()) {
                return null;
            }
            bare.add(new Prediction(p.id(), p.user(), null, p.variant(), p.question(), p.prediction(), p.answer(),
                    p.promptTokens(), p.seconds()));
        }
        Metrics byRules = Scorer.score(bare);
        if (!byRules.equals(ours)) {
            throw new IllegalStateException("scoring by the reference's rules differs from scoring by sub-task field");
        }
        return true;
    }

    /** Our question ids when the qa stage wrote them, else the release's row numbers. */
    private static List<String> questionIds(Path qaFolder, QuestionSet set, int rows) {
        Path jsonl = qaFolder.resolve(set.jsonl);
        if (java.nio.file.Files.isRegularFile(jsonl)) {
            List<String> ids = QuestionsJsonl.readBuilt(jsonl).stream().map(q -> q.question().id()).toList();
            if (ids.size() != rows) {
                throw new UqaException(qaFolder + ": " + rows + " align rows but " + ids.size() + " questions in " + jsonl);
            }
            return ids;
        }
        List<String> ids = new ArrayList<>(rows);
        for (int i = 0; i < rows; i++) {
            ids.add("row-" + i);
        }
        return ids;
    }

    static long padId(LoadedModel model) {
        return model.tokenizer().tokenId("<pad>").map(Long::valueOf)
                .or(() -> model.tokenizer().tokenId("<|endoftext|>").map(Long::valueOf))
                .orElse(model.stopIds().get(0));
    }
}
