package dev.uqabench.qa;

import dev.uqabench.data.Event;
import dev.uqabench.data.EventText;
import dev.uqabench.data.UserSequence;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/**
 * Builds the alignment set (questions about the history) and the test set (questions about the
 * history plus, for action prediction, the first held-out click) for each user.
 *
 * <p>Each user gets its own generator seeded from (seed, set, user), so a user's questions do not
 * depend on which other users are in the batch. Question ids are {@code set-user-subtask-index}.
 * A zh question that the reference scorer's rules would file under another sub-task (an option text
 * may happen to contain a rule phrase) is dropped.
 */
public final class QuestionBuilder {

    /** Tries per wanted question before giving up on it (ambiguous drafts are dropped, not retried forever). */
    private static final int TRIES_PER_QUESTION = 10;

    /**
     * Sub-tasks about the most recent clicks: on the alignment set, their j-th try ends the context
     * j clicks before the last one, else every try would ask the same question of the same clicks.
     */
    private static final Set<Subtask> ENDS_AT_LAST_CLICK = Set.of(Subtask.SI, Subtask.IT);

    private final QuestionConfig config;
    private final Map<Subtask, SubtaskBuilder> builders = new EnumMap<>(Subtask.class);

    public QuestionBuilder(QuestionConfig config, EventText text, AttributePool pool) {
        this.config = config;
        for (Subtask subtask : Subtask.values()) {
            builders.put(subtask, SubtaskBuilder.of(subtask, config, text, pool));
        }
    }

    public QuestionConfig config() {
        return config;
    }

    /** Alignment questions for every user, in user order then sub-task order. */
    public List<BuiltQuestion> alignmentSet(List<UserSequence> users, long seed) {
        List<BuiltQuestion> all = new ArrayList<>();
        for (UserSequence user : users) {
            all.addAll(alignment(user, userRandom(seed, "align", user.user())));
        }
        return all;
    }

    /** Test questions for every user, in user order then sub-task order. */
    public List<BuiltQuestion> testSet(List<UserSplit> users, long seed) {
        List<BuiltQuestion> all = new ArrayList<>();
        for (UserSplit user : users) {
            all.addAll(test(user.history(), user.future(), userRandom(seed, "test", user.history().user())));
        }
        return all;
    }

    /**
     * Questions about one user's history. Action-prediction questions treat a history click as the
     * "next" one: the j-th try uses the click at index {@code n-1-j} and the clicks before it as context;
     * short-term interest and trajectory questions end their j-th try's context j clicks early.
     */
    public List<BuiltQuestion> alignment(UserSequence user, Random rng) {
        List<Event> events = user.events();
        List<BuiltQuestion> out = new ArrayList<>();
        for (Subtask subtask : Subtask.values()) {
            SubtaskBuilder builder = builders.get(subtask);
            out.addAll(questions(user.user(), "align", builder, config.alignmentPerUser().get(subtask), rng, attempt -> {
                if (builder.asksAboutNext()) {
                    int cut = events.size() - 1 - attempt;
                    return cut < 1 ? null : new Scope(events.subList(0, cut), events.get(cut));
                }
                if (ENDS_AT_LAST_CLICK.contains(subtask)) {
                    int end = events.size() - attempt;
                    return end < 1 ? null : new Scope(events.subList(0, end), null);
                }
                return new Scope(events, null);
            }));
        }
        return out;
    }

    /** Questions about one test user: the full history is the context, the first future click is "next". */
    public List<BuiltQuestion> test(UserSequence history, List<Event> future, Random rng) {
        Event next = future.isEmpty() ? null : future.get(0);
        Scope scope = new Scope(history.events(), next);
        List<BuiltQuestion> out = new ArrayList<>();
        for (Subtask subtask : Subtask.values()) {
            SubtaskBuilder builder = builders.get(subtask);
            out.addAll(questions(history.user(), "test", builder, config.testPerUser().get(subtask), rng,
                    attempt -> builder.asksAboutNext() && next == null ? null : scope));
        }
        return out;
    }

    /** The context of one try; null ends the tries. */
    private record Scope(List<Event> context, Event next) {
    }

    private interface Scopes {
        Scope forAttempt(int attempt);
    }

    private List<BuiltQuestion> questions(String user, String set, SubtaskBuilder builder, int wanted, Random rng,
                                          Scopes scopes) {
        List<BuiltQuestion> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int attempt = 0; attempt < wanted * TRIES_PER_QUESTION && out.size() < wanted; attempt++) {
            Scope scope = scopes.forAttempt(attempt);
            if (scope == null) {
                break;
            }
            Optional<Draft> draft = builder.draft(scope.context(), scope.next(), rng);
            if (draft.isEmpty() || !seen.add(scope.context().size() + "\n" + draft.get().stem())) {
                continue;
            }
            String id = set + "-" + user + "-" + builder.subtask().code() + "-" + out.size();
            Question question = place(id, user, builder.subtask(), config.lang(), draft.get(), rng);
            if (config.lang() == Lang.ZH
                    && ReferenceRules.tryClassify(question.question()).orElse(null) != builder.subtask()) {
                continue;
            }
            out.add(new BuiltQuestion(question, scope.context().size()));
        }
        return out;
    }

    /** The question with the correct option at a uniformly random letter and the distractors shuffled around it. */
    public static Question place(String id, String user, Subtask subtask, Lang lang, Draft draft, Random rng) {
        List<String> options = new ArrayList<>(draft.distractors());
        Collections.shuffle(options, rng);
        int gold = rng.nextInt(4);
        options.add(gold, draft.answer());
        return new Question(id, user, subtask, Templates.withOptions(draft.stem(), options), options,
                Question.LETTERS.get(gold), lang.code());
    }

    /** A generator for one user and set, from the run's seed (SplitMix64 finalizer over a string hash). */
    public static Random userRandom(long seed, String set, String user) {
        long h = seed;
        for (byte b : (set + "\u0000" + user).getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        h ^= h >>> 30;
        h *= 0xbf58476d1ce4e5b9L;
        h ^= h >>> 27;
        h *= 0x94d049bb133111ebL;
        h ^= h >>> 31;
        return new Random(h);
    }
}
