package dev.uqabench.run;

import dev.uqabench.data.Event;
import dev.uqabench.data.EventText;
import dev.uqabench.data.UserSequence;
import dev.uqabench.data.arrow.ChatText;
import dev.uqabench.data.arrow.ReleaseLayout;
import dev.uqabench.data.arrow.ReleaseReader;
import dev.uqabench.data.arrow.ReleaseRow;
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
 * qa: alignment questions from the training users' histories and test questions for the held-out
 * users (ip/ap answered by their future), written as release-layout align files (each row holds
 * the sequence prefix the question is about) plus question JSONL with sub-task and context length.
 */
public final class QaStage {

    public static final String QUESTIONS_TRAIN = "questions_train.jsonl";
    public static final String QUESTIONS_EVAL = "questions_eval.jsonl";

    private QaStage() {
    }

    public static StageRunner.Outcome run(StageRunner runner, Path folder, Path dataFolder, QuestionConfig config,
                                          long seed, Path featureTokenizer) {
        return runner.run("qa", folder, Json.mapper().valueToTree(config), seed, Map.of("data", dataFolder), work -> {
            List<UserSequence> train = readAll(dataFolder.resolve(ReleaseLayout.PRETRAIN_TRAIN));
            List<UserSequence> held = readAll(dataFolder.resolve(ReleaseLayout.PRETRAIN_EVAL));
            Map<String, List<Event>> futures = new HashMap<>();
            if (java.nio.file.Files.isRegularFile(dataFolder.resolve(ReleaseLayout.FUTURE))) {
                for (UserSequence f : readAll(dataFolder.resolve(ReleaseLayout.FUTURE))) {
                    futures.put(f.user(), f.events());
                }
            }
            try (TokenizerEventText decoder = TokenizerEventText.open(featureTokenizer)) {
                EventText text = new CachedEventText(decoder, 1 << 16);
                // options are fitted on the training users alone: held-out users never shape them
                QuestionBuilder builder = QuestionBuilder.fitted(config, text,
                        AttributePool.of(train, text, AttributePool.DEFAULT_KEEP), train, seed);
                List<BuiltQuestion> alignment = builder.alignmentSet(train, seed);
                List<UserSplit> splits = new ArrayList<>();
                for (UserSequence h : held) {
                    splits.add(new UserSplit(h, futures.getOrDefault(h.user(), List.of())));
                }
                List<BuiltQuestion> test = builder.testSet(splits, seed + 1);
                write(work.resolve(ReleaseLayout.ALIGN_TRAIN), alignment, index(train));
                write(work.resolve(ReleaseLayout.ALIGN_EVAL), test, index(held));
                QuestionsJsonl.writeBuilt(work.resolve(QUESTIONS_TRAIN), alignment);
                QuestionsJsonl.writeBuilt(work.resolve(QUESTIONS_EVAL), test);
                Map<String, Object> metrics = new LinkedHashMap<>();
                metrics.put("alignment_questions", alignment.size());
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
