package dev.uqabench.qa;

import dev.uqabench.data.Event;
import dev.uqabench.data.EventText;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/**
 * it (interest trajectory): the dominant category in each of three consecutive windows of
 * {@code trajectoryWindow} clicks ending at the last click, as a path "A -> B -> C". Dropped when a
 * window has a tie or two consecutive windows share their category (no transition to ask about).
 * Distractor paths use the true names, the user's top categories and a few popular ones, with no
 * repeated consecutive names either.
 */
final class InterestTrajectoryQuestions implements SubtaskBuilder {

    private static final int TRIES = 200;
    private static final int OWN_NAMES = 5;
    private static final int POPULAR_NAMES = 5;

    private final QuestionConfig config;
    private final EventText text;
    private final AttributePool pool;

    InterestTrajectoryQuestions(QuestionConfig config, EventText text, AttributePool pool) {
        this.config = config;
        this.text = text;
        this.pool = pool;
    }

    @Override
    public Subtask subtask() {
        return Subtask.IT;
    }

    @Override
    public Optional<Draft> draft(List<Event> context, Event next, Random rng) {
        int window = config.trajectoryWindow();
        int n = context.size();
        if (n < 3 * window) {
            return Optional.empty();
        }
        Attribute attribute = Attribute.CATEGORY;
        List<String> path = new ArrayList<>();
        for (int w = 3; w >= 1; w--) {
            List<Picks.NameCount> ranked = Picks.ranked(context.subList(n - w * window, n - (w - 1) * window),
                    attribute, text);
            if (!Picks.clearLeader(ranked)) {
                return Optional.empty();
            }
            path.add(ranked.get(0).name());
        }
        if (!noConsecutiveRepeat(path)) {
            return Optional.empty();
        }
        String answer = Templates.joinPath(path);
        List<String> names = Picks.union(path,
                Picks.head(Picks.names(Picks.ranked(context, attribute, text)), OWN_NAMES),
                Picks.head(pool.popular(attribute), POPULAR_NAMES));
        Set<String> used = new HashSet<>(Set.of(answer));
        List<String> distractors = new ArrayList<>();
        for (int t = 0; t < TRIES && distractors.size() < 3; t++) {
            List<String> candidate = List.of(Picks.any(names, rng), Picks.any(names, rng), Picks.any(names, rng));
            String option = Templates.joinPath(candidate);
            if (noConsecutiveRepeat(candidate) && used.add(option)) {
                distractors.add(option);
            }
        }
        if (distractors.size() < 3) {
            return Optional.empty();
        }
        return Optional.of(new Draft(Templates.trajectory(config.lang(), attribute, window), answer, distractors));
    }

    static boolean noConsecutiveRepeat(List<String> path) {
        for (int i = 1; i < path.size(); i++) {
            if (path.get(i).equals(path.get(i - 1))) {
                return false;
            }
        }
        return true;
    }
}
