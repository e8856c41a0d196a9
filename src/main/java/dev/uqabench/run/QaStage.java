package dev.uqabench.run;

import dev.uqabench.base.Json;
import dev.uqabench.base.UqaException;
import dev.uqabench.data.Event;
import dev.uqabench.data.EventText;
import dev.uqabench.data.UserRoles;
import dev.uqabench.data.UserSequence;
import dev.uqabench.data.arrow.ChatText;
import dev.uqabench.data.arrow.ReleaseLayout;
import dev.uqabench.data.arrow.ReleaseReader;
import dev.uqabench.data.arrow.ReleaseWriter;
import dev.uqabench.data.text.TokenizerEventText;
import dev.uqabench.qa.AttributePool;
import dev.uqabench.qa.BuiltQuestion;
import dev.uqabench.qa.CachedEventText;
import dev.uqabench.qa.QuestionBuilder;
import dev.uqabench.qa.QuestionConfig;
import dev.uqabench.qa.QuestionsJsonl;
import dev.uqabench.qa.Subtask;
import dev.uqabench.qa.UserSplit;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * qa: questions for four disjoint groups of users, split by {@link UserRoles} (a seeded hash of the
 * user id). Training users (pretrained on) give the alignment set from their histories, minus the
 * LLM users, whose questions train only the built-in LLM; held-out users (never pretrained on) are
 * split into validation and test users, both asked about their full history and first future click.
 * Each set is a release-layout align file (each row holds the sequence prefix the question is
 * about) plus question JSONL with sub-task and context length. Only eval stages may read the test
 * files ({@link #TEST_FILES}); every other stage declares the files it reads, never this folder.
 */
public final class QaStage {

    public static final String QUESTIONS_TRAIN = "questions_train.jsonl";
    public static final String QUESTIONS_EVAL = "questions_eval.jsonl";
    public static final String QUESTIONS_VALID = "questions_valid.jsonl";
    public static final String QUESTIONS_LLM = "questions_llm.jsonl";
    /** The test questions: inputs of eval stages only (QaIsolationTest checks every other manifest). */
    public static final List<String> TEST_FILES = List.of(ReleaseLayout.ALIGN_EVAL, QUESTIONS_EVAL);

    private QaStage() {
    }

    public static StageRunner.Outcome run(StageRunner runner, Path folder, Path dataFolder, QuestionConfig config,
                                          long seed, Path featureTokenizer) {
        // wording follows the data (films and genres for a ratings log); the data's hash covers dataset.json
        QuestionConfig worded = config.nouns().equals(dev.uqabench.qa.Nouns.DEFAULT)
                ? config.withNouns(dev.uqabench.qa.Nouns.ofDataFolder(dataFolder)) : config;
        return runner.run("qa", folder, Json.mapper().valueToTree(config), seed, Map.of("data", dataFolder), work -> {
            List<UserSequence> train = readAll(dataFolder.resolve(ReleaseLayout.PRETRAIN_TRAIN));
            List<UserSequence> held = readAll(dataFolder.resolve(ReleaseLayout.PRETRAIN_EVAL));
            Map<String, List<Event>> futures = new HashMap<>();
            if (java.nio.file.Files.isRegularFile(dataFolder.resolve(ReleaseLayout.FUTURE))) {
                for (UserSequence f : readAll(dataFolder.resolve(ReleaseLayout.FUTURE))) {
                    futures.put(f.user(), f.events());
                }
            }
            UserRoles roles = new UserRoles(seed, config.validationFraction(), config.llmFraction());
            List<UserSequence> llmUsers = new ArrayList<>();
            List<UserSequence> alignmentUsers = new ArrayList<>();
            for (UserSequence u : train) {
                (roles.ofTraining(u.user()) == UserRoles.Role.LLM ? llmUsers : alignmentUsers).add(u);
            }
            List<UserSplit> validationUsers = new ArrayList<>();
            List<UserSplit> testUsers = new ArrayList<>();
            for (UserSequence h : held) {
                UserSplit split = new UserSplit(h, futures.getOrDefault(h.user(), List.of()));
                (roles.ofHeldOut(h.user()) == UserRoles.Role.VALIDATION ? validationUsers : testUsers).add(split);
            }
            if (!held.isEmpty() && (validationUsers.isEmpty() || testUsers.isEmpty())) {
                throw new UqaException("qa.validationFraction " + config.validationFraction() + " split the "
                        + held.size() + " held-out users of " + dataFolder.resolve(ReleaseLayout.PRETRAIN_EVAL) + " into "
                        + validationUsers.size() + " validation and " + testUsers.size()
                        + " test users; both need at least one (more held-out users, or a fraction nearer 0.5)");
            }
            if (alignmentUsers.isEmpty()) {
                throw new UqaException("qa.llmFraction " + config.llmFraction() + " left no alignment users among the "
                        + train.size() + " users of " + dataFolder.resolve(ReleaseLayout.PRETRAIN_TRAIN));
            }
            try (TokenizerEventText decoder = TokenizerEventText.open(featureTokenizer)) {
                EventText text = new CachedEventText(decoder, 1 << 16);
                // options are fitted on the training users' (LLM and alignment) questions and clicks:
                // validation and test users never shape them; both training groups halve the fit's noise
                List<UserSplit> training = train.stream()
                        .map(u -> new UserSplit(u, futures.getOrDefault(u.user(), List.of()))).toList();
                QuestionBuilder builder = QuestionBuilder.fitted(worded, text,
                        AttributePool.of(train, text, AttributePool.DEFAULT_KEEP), training, seed);
                // seeds as before for the alignment and test sets; new sets get their own
                List<BuiltQuestion> alignment = builder.alignmentSet(alignmentUsers, seed);
                List<BuiltQuestion> llm = builder.alignmentSet(llmUsers, seed + 2);
                List<BuiltQuestion> test = builder.testSet(testUsers, seed + 1);
                List<BuiltQuestion> validation = builder.testSet(validationUsers, seed + 3);
                Map<String, UserSequence> trainIndex = index(train);
                Map<String, UserSequence> heldIndex = index(held);
                write(work.resolve(ReleaseLayout.ALIGN_TRAIN), alignment, trainIndex);
                write(work.resolve(ReleaseLayout.ALIGN_VALID), validation, heldIndex);
                write(work.resolve(ReleaseLayout.ALIGN_EVAL), test, heldIndex);
                QuestionsJsonl.writeBuilt(work.resolve(QUESTIONS_TRAIN), alignment);
                QuestionsJsonl.writeBuilt(work.resolve(QUESTIONS_VALID), validation);
                QuestionsJsonl.writeBuilt(work.resolve(QUESTIONS_EVAL), test);
                if (config.llmFraction() > 0) {
                    write(work.resolve(ReleaseLayout.ALIGN_LLM), llm, trainIndex);
                    QuestionsJsonl.writeBuilt(work.resolve(QUESTIONS_LLM), llm);
                }
                Map<String, Object> metrics = new LinkedHashMap<>();
                metrics.put("users_llm", llmUsers.size());
                metrics.put("users_alignment", alignmentUsers.size());
                metrics.put("users_validation", validationUsers.size());
                metrics.put("users_test", testUsers.size());
                metrics.put("llm_questions", llm.size());
                metrics.put("alignment_questions", alignment.size());
                metrics.put("validation_questions", validation.size());
                metrics.put("test_questions", test.size());
                metrics.put("test_per_subtask", perSubtask(test));
                return metrics;
            }
        });
    }

    static List<UserSequence> readAll(Path file) {
        List<UserSequence> out = new ArrayList<>();
        ReleaseReader reader = ReleaseReader.open(file);
        reader.batches(1024).forEachRemaining(out::addAll);
        return out;
    }

    private static Map<String, UserSequence> index(List<UserSequence> users) {
        Map<String, UserSequence> byUser = new HashMap<>();
        users.forEach(u -> byUser.put(u.user(), u));
        return byUser;
    }

    /** One align row per question: the events it is about (a prefix of the history) and its chat text. */
    private static void write(Path file, List<BuiltQuestion> questions, Map<String, UserSequence> users) {
        try (ReleaseWriter writer = ReleaseWriter.create(file, true, ReleaseWriter.DEFAULT_BATCH_ROWS)) {
            for (BuiltQuestion bq : questions) {
                UserSequence user = users.get(bq.question().user());
                UserSequence prefix = new UserSequence(user.user(), user.events().subList(0, bq.contextLength()));
                writer.write(prefix, new ChatText(bq.question().question(), bq.question().answer()), bq.question().subtask().code());
            }
            writer.commit();
        }
    }

    private static Map<String, Integer> perSubtask(List<BuiltQuestion> questions) {
        Map<Subtask, Integer> counts = new EnumMap<>(Subtask.class);
        questions.forEach(q -> counts.merge(q.question().subtask(), 1, Integer::sum));
        Map<String, Integer> out = new LinkedHashMap<>();
        counts.forEach((s, n) -> out.put(s.code(), n));
        return out;
    }
}
