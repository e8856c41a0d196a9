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
 * history plus, for action prediction, the first held-out click) for each user, in two phases:
 * each sub-task first asks (stem and answer), then an {@link OptionSampler} fitted on the
 * alignment users' asks draws the distractors like the answer, so options alone tell nothing.
 *
 * <p>Each user gets its own generators seeded from (seed, set, user), so a user's questions depend
 * only on the fitted samplers, not on which other users are in the batch. Question ids are
 * {@code set-user-subtask-index}. A zh question that the reference scorer's rules would file under
 * another sub-task (an option text may happen to contain a rule phrase) is dropped.
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
    /** Options of alignment-style sets (questions about history prefixes) and of test-style sets (full histories). */
    private final OptionSampler alignmentOptions;
    private final OptionSampler testOptions;

    private QuestionBuilder(QuestionConfig config, Map<Subtask, SubtaskBuilder> builders, OptionSampler alignmentOptions,
                            OptionSampler testOptions) {
        this.config = config;
        this.builders.putAll(builders);
        this.alignmentOptions = alignmentOptions;
        this.testOptions = testOptions;
    }

    /**
     * A builder whose distractors follow the training users' answers. Alignment-style and test-style
     * sets get separate fits: their answers are distributed differently (prefixes against full
     * histories, one li question per user against two), and options drawn like alignment answers
     * stood out among test answers (li: "most popular option" 34 % on the test set, 26 % on alignment).
     *
     * @param pool          clicks per name over the training users (never the test users)
     * @param trainingUsers training users' histories and futures; their asks, made as for an alignment
     *                      set and as for a test set, fit the option distributions
     * @param seed          the seed of the fitting asks
     */
    public static QuestionBuilder fitted(QuestionConfig config, EventText text, AttributePool pool,
                                         List<UserSplit> trainingUsers, long seed) {
        Map<Subtask, SubtaskBuilder> builders = new EnumMap<>(Subtask.class);
        for (Subtask subtask : Subtask.values()) {
            builders.put(subtask, SubtaskBuilder.of(subtask, config, text));
        }
        QuestionBuilder asking = new QuestionBuilder(config, builders, null, null);
        List<Ask> alignmentAsks = new ArrayList<>();
        List<Ask> testAsks = new ArrayList<>();
        for (UserSplit user : trainingUsers) {
            String id = user.history().user();
            asking.alignment(user.history(), userRandom(seed, "align", id), null, alignmentAsks);
            asking.test(user.history(), user.future(), userRandom(seed, "fit-test", id), null, testAsks);
        }
        Map<String, Map<String, Long>> clicks = pool.clickSlots();
        OptionSampler alignmentOptions = OptionSampler.fit(config.lang(), clicks, alignmentAsks);
        OptionSampler testOptions = OptionSampler.fit(config.lang(), clicks, testAsks);
        QuestionBuilder builder = new QuestionBuilder(config, builders, alignmentOptions, testOptions);
        // one calibrating pass over the training users balances the answers' popularity ranks (OptionSampler)
        alignmentOptions.startCalibration();
        testOptions.startCalibration();
        for (UserSplit user : trainingUsers) {
            String id = user.history().user();
            builder.alignment(user.history(), userRandom(seed, "align", id), userRandom(seed, "calibrate-align", id), null);
            builder.test(user.history(), user.future(), userRandom(seed, "fit-test", id), userRandom(seed, "calibrate-test", id),
                    null);
        }
        alignmentOptions.finishCalibration();
        testOptions.finishCalibration();
        return builder;
    }

    /** {@link #fitted(QuestionConfig, EventText, AttributePool, List, long)} for users without futures (no test-style ip/ap asks). */
    public static QuestionBuilder fittedOnHistories(QuestionConfig config, EventText text, AttributePool pool,
                                                    List<UserSequence> trainingUsers, long seed) {
        return fitted(config, text, pool, trainingUsers.stream().map(u -> new UserSplit(u, List.of())).toList(), seed);
    }

    public QuestionConfig config() {
        return config;
    }

    /** Alignment questions for every user, in user order then sub-task order. */
    public List<BuiltQuestion> alignmentSet(List<UserSequence> users, long seed) {
        List<BuiltQuestion> all = new ArrayList<>();
        for (UserSequence user : users) {
            all.addAll(alignment(user, userRandom(seed, "align", user.user()),
                    userRandom(seed, "align/options", user.user()), null));
        }
        return all;
    }

    /** Test questions for every user, in user order then sub-task order. */
    public List<BuiltQuestion> testSet(List<UserSplit> users, long seed) {
        List<BuiltQuestion> all = new ArrayList<>();
        for (UserSplit user : users) {
            String id = user.history().user();
            all.addAll(test(user.history(), user.future(), userRandom(seed, "test", id), userRandom(seed, "test/options", id),
                    null));
        }
        return all;
    }

    /**
     * Questions about one user's history. Action-prediction questions treat a history click as the
     * "next" one: the j-th try uses the click at index {@code n-1-j} and the clicks before it as context;
     * short-term interest and trajectory questions end their j-th try's context j clicks early.
     * With {@code asks} given, only collects the asks (no options drawn) for fitting.
     */
    private List<BuiltQuestion> alignment(UserSequence user, Random rng, Random optionRng, List<Ask> asks) {
        List<Event> events = user.events();
        List<BuiltQuestion> out = new ArrayList<>();
        for (Subtask subtask : Subtask.values()) {
            SubtaskBuilder builder = builders.get(subtask);
            out.addAll(questions(user.user(), "align", builder, config.alignmentPerUser().get(subtask), rng, optionRng, asks,
                    alignmentOptions, attempt -> {
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
    private List<BuiltQuestion> test(UserSequence history, List<Event> future, Random rng, Random optionRng, List<Ask> asks) {
        Event next = future.isEmpty() ? null : future.get(0);
        Scope scope = new Scope(history.events(), next);
        List<BuiltQuestion> out = new ArrayList<>();
        for (Subtask subtask : Subtask.values()) {
            SubtaskBuilder builder = builders.get(subtask);
            out.addAll(questions(history.user(), "test", builder, config.testPerUser().get(subtask), rng, optionRng, asks,
                    testOptions, attempt -> builder.asksAboutNext() && next == null ? null : scope));
        }
        return out;
    }

    /** The context of one try; null ends the tries. */
    private record Scope(List<Event> context, Event next) {
    }

    private interface Scopes {
        Scope forAttempt(int attempt);
    }

    /** Up to {@code wanted} questions; with {@code asks} given, collects up to {@code wanted} asks instead. */
    private List<BuiltQuestion> questions(String user, String set, SubtaskBuilder builder, int wanted, Random rng,
                                          Random optionRng, List<Ask> asks, OptionSampler sampler, Scopes scopes) {
        List<BuiltQuestion> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        int collected = 0;
        for (int attempt = 0; attempt < wanted * TRIES_PER_QUESTION && out.size() < wanted && collected < wanted; attempt++) {
            Scope scope = scopes.forAttempt(attempt);
            if (scope == null) {
                break;
            }
            Optional<Ask> ask = builder.ask(scope.context(), scope.next(), rng);
            if (ask.isEmpty() || !seen.add(scope.context().size() + "\n" + ask.get().stem())) {
                continue;
            }
            if (asks != null) {
                asks.add(ask.get());
                collected++;
                continue;
            }
            Optional<Draft> draft = sampler.draft(ask.get(), optionRng);
            if (draft.isEmpty()) {
                continue;
            }
            String id = set + "-" + user + "-" + builder.subtask().code() + "-" + out.size();
            Question question = place(id, user, builder.subtask(), config.lang(), draft.get(), rng);
            if (config.lang() == Lang.ZH
                    && ReferenceRules.tryClassify(question.question()).orElse(null) != builder.subtask()) {
                continue;
            }
            out.add(new BuiltQuestion(question, scope.context().size(), draft.get().facts()));
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
