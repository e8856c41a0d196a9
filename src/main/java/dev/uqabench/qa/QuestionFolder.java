package dev.uqabench.qa;

import dev.uqabench.base.UqaException;
import dev.uqabench.data.Event;
import dev.uqabench.data.EventText;
import dev.uqabench.data.UserRoles;
import dev.uqabench.data.UserSequence;
import dev.uqabench.data.arrow.ChatText;
import dev.uqabench.data.arrow.ReadOptions;
import dev.uqabench.data.arrow.ReleaseFolder;
import dev.uqabench.data.arrow.ReleaseLayout;
import dev.uqabench.data.arrow.ReleaseReader;
import dev.uqabench.data.arrow.ReleaseWriter;
import dev.uqabench.data.text.TokenizerEventText;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The questions of a run, for four disjoint groups of users split by {@link UserRoles} (a seeded hash
 * of the user id). Training users (pretrained on) give the alignment set from their histories, minus
 * the LLM users, whose questions train only the built-in LLM; held-out users (never pretrained on) are
 * split into validation and test users, both asked about their full history and first future click.
 * Each set is written as its {@link QuestionSet} files: an align file whose rows hold the sequence
 * prefix the question is about, and question JSONL with sub-task and context length.
 */
public final class QuestionFolder {

    /** How many users fell in each group and how many questions each set got. */
    public record Summary(int llmUsers, int alignmentUsers, int validationUsers, int testUsers, int llmQuestions,
                          int alignmentQuestions, int validationQuestions, int testQuestions,
                          Map<String, Integer> testPerSubtask) {
    }

    private QuestionFolder() {
    }

    /**
     * Writes the four sets into {@code out} (the LLM set only when {@code config.llmFraction() > 0}).
     * Wording follows the data (films and genres for a ratings log) unless the config names its nouns.
     *
     * @param featureTokenizer the tokenizer that decodes the data's token ids to names
     */
    public static Summary write(Path dataFolder, QuestionConfig config, long seed, Path featureTokenizer, Path out) {
        QuestionConfig worded = config.nouns().equals(Nouns.DEFAULT) ? config.withNouns(Nouns.ofDataFolder(dataFolder)) : config;
        // ids are checked against dataset.json's table sizes here, the first stage to read a --data folder: an id
        // beyond its table fails naming the file and row instead of deep in pretraining
        ReadOptions ids = ReleaseFolder.open(dataFolder, null, false).options();
        List<UserSequence> train = readAll(dataFolder.resolve(ReleaseLayout.PRETRAIN_TRAIN), ids);
        List<UserSequence> held = readAll(dataFolder.resolve(ReleaseLayout.PRETRAIN_EVAL), ids);
        Map<String, List<Event>> futures = new HashMap<>();
        if (Files.isRegularFile(dataFolder.resolve(ReleaseLayout.FUTURE))) {
            for (UserSequence f : readAll(dataFolder.resolve(ReleaseLayout.FUTURE), ids)) {
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
            throw new UqaException("qa.validation_fraction " + config.validationFraction() + " split the "
                    + held.size() + " held-out users of " + dataFolder.resolve(ReleaseLayout.PRETRAIN_EVAL) + " into "
                    + validationUsers.size() + " validation and " + testUsers.size()
                    + " test users; both need at least one (more held-out users, or a fraction nearer 0.5)");
        }
        if (alignmentUsers.isEmpty()) {
            throw new UqaException("qa.llm_fraction " + config.llmFraction() + " left no alignment users among the "
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
            writeAlignFile(out.resolve(QuestionSet.ALIGNMENT.arrow()), alignment, trainIndex);
            writeAlignFile(out.resolve(QuestionSet.VALIDATION.arrow()), validation, heldIndex);
            writeAlignFile(out.resolve(QuestionSet.TEST.arrow()), test, heldIndex);
            QuestionsJsonl.writeBuilt(out.resolve(QuestionSet.ALIGNMENT.jsonl()), alignment);
            QuestionsJsonl.writeBuilt(out.resolve(QuestionSet.VALIDATION.jsonl()), validation);
            QuestionsJsonl.writeBuilt(out.resolve(QuestionSet.TEST.jsonl()), test);
            if (config.llmFraction() > 0) {
                writeAlignFile(out.resolve(QuestionSet.LLM.arrow()), llm, trainIndex);
                QuestionsJsonl.writeBuilt(out.resolve(QuestionSet.LLM.jsonl()), llm);
            }
            return new Summary(llmUsers.size(), alignmentUsers.size(), validationUsers.size(), testUsers.size(),
                    llm.size(), alignment.size(), validation.size(), test.size(), perSubtask(test));
        }
    }

    private static List<UserSequence> readAll(Path file, ReadOptions options) {
        List<UserSequence> out = new ArrayList<>();
        ReleaseReader reader = ReleaseReader.open(file, options);
        reader.batches(1024).forEachRemaining(out::addAll);
        return out;
    }

    private static Map<String, UserSequence> index(List<UserSequence> users) {
        Map<String, UserSequence> byUser = new HashMap<>();
        users.forEach(u -> byUser.put(u.user(), u));
        return byUser;
    }

    /** One align row per question: the events it is about (a prefix of the history) and its chat text. */
    private static void writeAlignFile(Path file, List<BuiltQuestion> questions, Map<String, UserSequence> users) {
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
