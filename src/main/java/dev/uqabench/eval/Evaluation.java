package dev.uqabench.eval;

import dev.uqabench.base.UqaException;
import dev.uqabench.data.EventText;
import dev.uqabench.data.UserSequence;
import dev.uqabench.dist.Group;
import dev.uqabench.dist.World;
import dev.uqabench.data.arrow.ReleaseReader;
import dev.uqabench.data.arrow.ReleaseRow;
import dev.uqabench.llm.AnswerMode;
import dev.uqabench.llm.ChatPrompter;
import dev.uqabench.llm.LoadedModel;
import dev.uqabench.qa.Nouns;
import dev.uqabench.qa.OptionParser;
import dev.uqabench.qa.QuestionSet;
import dev.uqabench.qa.QuestionsJsonl;
import dev.uqabench.qa.ReferenceRules;
import dev.uqabench.qa.Subtask;
import dev.uqabench.qa.TextContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Answers a question set with one variant (question only, text context, or soft tokens) and scores
 * the predictions as the reference does. The prompt is always the question's own; only what the
 * encoder reads is substituted in the shuffled-user control. In {@link AnswerMode#LETTER} the answer
 * is one greedy token; in {@link AnswerMode#OPTION_TEXT} the letter of the most likely option text.
 */
public final class Evaluation {

    /** What every variant needs besides the LLM and the questions. */
    public record Context(EventText text, String lang, Nouns nouns, int batchSize) {
    }

    /**
     * The questions of one set of a qa folder.
     *
     * @param file the align file they were read from, for errors
     * @param rows its rows, in order
     * @param ids  our question ids when the qa stage wrote them, else the rows' numbers ({@code row-<i>})
     */
    public record Questions(Path file, List<ReleaseRow> rows, List<String> ids) {
        public Questions {
            if (ids.size() != rows.size()) {
                throw new IllegalArgumentException(rows.size() + " rows but " + ids.size() + " ids");
            }
        }

        /** Reads {@code set} from {@code qaFolder}. */
        public static Questions read(Path qaFolder, QuestionSet set) {
            Path file = qaFolder.resolve(set.arrow());
            List<ReleaseRow> rows = ReleaseReader.open(file).readAll();
            if (rows.isEmpty()) {
                // an accuracy over no questions is NaN in every cell of the table: say why instead
                throw new UqaException(file + ": no questions to evaluate (the " + set.code() + " users got none; with"
                        + " few users, raise data.users or qa.validation_fraction / data.held_out_user_fraction)");
            }
            return new Questions(file, rows, questionIds(qaFolder, set, rows.size()));
        }

        /** Each question's own user sequence. */
        public List<UserSequence> sequences() {
            return rows.stream().map(ReleaseRow::sequence).toList();
        }
    }

    private final LoadedModel model;
    private final Context context;
    private final AnswerMode answerMode;
    private final int sharedPrefixMinTokens;

    /** @param answerMode {@link AnswerMode#LETTER} or {@link AnswerMode#OPTION_TEXT} (auto resolved) */
    public Evaluation(LoadedModel model, Context context, AnswerMode answerMode) {
        this(model, context, answerMode, Answerer.SHARED_PREFIX_MIN_TOKENS);
    }

    /**
     * @param sharedPrefixMinTokens consecutive questions whose prompts share this many leading tokens run them once
     *                              ({@link Answerer#answerByLikelihood}, {@link Answerer#answer}; {@link
     *                              Integer#MAX_VALUE}: never)
     */
    public Evaluation(LoadedModel model, Context context, AnswerMode answerMode, int sharedPrefixMinTokens) {
        this.model = model;
        this.context = context;
        this.answerMode = answerMode;
        this.sharedPrefixMinTokens = sharedPrefixMinTokens;
    }

    /**
     * One prediction per question, in order.
     *
     * @param soft the soft-prompt source, asked for only when the variant uses soft tokens
     * @param seed the shuffled-user control's derangement seed
     */
    public List<Prediction> answer(Questions questions, Variant variant, java.util.function.Supplier<Answerer.SoftPrompt> soft,
                                   long seed, Answerer.Listener listener) {
        List<ReleaseRow> rows = questions.rows();
        ChatPrompter prompter = ChatPrompter.of(model);
        List<UserSequence> sequences = encoderInputs(questions.sequences(), variant, seed);
        List<Answerer.Item> items = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            ReleaseRow row = rows.get(i);
            int events = variant.kind() == Variant.Kind.TEXT ? variant.textEvents() : 0;
            // the prompt is always the question's own; only the encoder's input is substituted
            items.add(new Answerer.Item(TextContext.userTurn(row.sequence(), events, row.chat().question(), context.text(),
                    context.lang(), context.nouns()), sequences.get(i)));
        }
        Answerer.SoftPrompt softPrompt = variant.usesSoftTokens() ? soft.get() : null;
        // data-parallel: the batches are dealt out round-robin, answered where they land and gathered back in order
        Group group = World.group();
        List<Integer> mine = Shards.batchesOf(rows.size(), context.batchSize(), group.rank(), group.size());
        List<Answerer.Item> myItems = Shards.pick(items, mine);
        List<ReleaseRow> myRows = Shards.pick(rows, mine);
        List<Answerer.Answer> answers;
        if (answerMode == AnswerMode.LETTER) {
            answers = Answerer.answer(myItems, model.decoder(), prompter::prompt, prompter::decode, model.padId(),
                    softPrompt, context.batchSize(), sharedPrefixMinTokens, listener);
        } else {
            List<List<long[]>> options = new ArrayList<>(myRows.size());
            for (ReleaseRow row : myRows) {
                List<long[]> optionIds = new ArrayList<>(4);
                for (String text : OptionParser.parse(row.chat().question(), questions.file() + " row " + row.index())) {
                    optionIds.add(prompter.answer(text));
                }
                options.add(optionIds);
            }
            answers = Answerer.answerByLikelihood(myItems, options, model.decoder(), prompter::prompt, softPrompt,
                    context.batchSize(), sharedPrefixMinTokens, listener);
        }
        if (group.distributed()) {
            group.during("evaluation " + variant.name());
            answers = Shards.gather(group, answers, mine, rows.size(), context.batchSize());
        }
        List<Prediction> predictions = new ArrayList<>(answers.size());
        for (int i = 0; i < answers.size(); i++) {
            Answerer.Answer a = answers.get(i);
            ReleaseRow row = rows.get(i);
            Subtask subtask = row.subtask() != null ? Subtask.fromCode(row.subtask())
                    : ReferenceRules.classify(row.chat().question(), questions.file() + " row " + row.index());
            predictions.add(new Prediction(questions.ids().get(i), row.sequence().user(), subtask, variant.name(),
                    row.chat().question(), a.text(), row.chat().answer(), a.promptTokens(), a.seconds()));
        }
        return predictions;
    }

    /**
     * The headline of an evaluation: accuracy on All tasks, the number of questions, mean prompt tokens,
     * seconds per question, and whether scoring by the reference's rules agrees ({@link #referenceRulesAgree}).
     */
    public static Map<String, Object> headline(List<Prediction> predictions, Metrics metrics) {
        double tokens = 0;
        double seconds = 0;
        for (Prediction p : predictions) {
            tokens += p.promptTokens();
            seconds += p.seconds();
        }
        Map<String, Object> headline = new LinkedHashMap<>();
        headline.put("accuracy_all", metrics.all().accuracy());
        headline.put("questions", predictions.size());
        headline.put("mean_prompt_tokens", tokens / Math.max(1, predictions.size()));
        headline.put("seconds_per_question", seconds / Math.max(1, predictions.size()));
        headline.put("reference_rules_agree", referenceRulesAgree(predictions, metrics));
        return headline;
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
        Path jsonl = qaFolder.resolve(set.jsonl());
        if (Files.isRegularFile(jsonl)) {
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
}
