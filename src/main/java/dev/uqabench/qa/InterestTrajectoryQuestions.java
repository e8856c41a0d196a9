package dev.uqabench.qa;

import dev.uqabench.data.Event;
import dev.uqabench.data.EventText;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * it (interest trajectory): the dominant category in each of three consecutive windows of
 * {@code trajectoryWindow} clicks (give or take {@link #WINDOW_SPREAD}, drawn per try: with one
 * fixed window a test user's history admits one path only, and four in five are ties or repeats)
 * ending at the last click, as a path "A -> B -> C". Dropped when a
 * window has a tie or two consecutive windows share their category (no transition to ask about).
 * Each distractor's k-th name is drawn like the answer's k-th name among the alignment set's
 * paths, again with no name twice in a row.
 */
final class InterestTrajectoryQuestions implements SubtaskBuilder {

    static final int WINDOW_SPREAD = 3;

    private final QuestionConfig config;
    private final EventText text;

    InterestTrajectoryQuestions(QuestionConfig config, EventText text) {
        this.config = config;
        this.text = text;
    }

    @Override
    public Subtask subtask() {
        return Subtask.IT;
    }

    @Override
    public Optional<Ask> ask(List<Event> context, Event next, Random rng) {
        int spread = Math.min(WINDOW_SPREAD, config.trajectoryWindow() - 1);
        int window = config.trajectoryWindow() - spread + rng.nextInt(2 * spread + 1);
        Attribute attribute = Attribute.CATEGORY;
        Optional<List<String>> path = path(context, window, attribute);
        if (path.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Ask(Templates.trajectory(config.lang(), config.nouns(), attribute, window), Ask.Shape.PATH,
                OptionSlots.answers(Subtask.IT, attribute), path.get(), QuestionFacts.window(attribute, window)));
    }

    /** The dominant names of the three windows ending at the last click, or empty on a tie or a repeat. */
    Optional<List<String>> path(List<Event> context, int window, Attribute attribute) {
        int n = context.size();
        if (n < 3 * window) {
            return Optional.empty();
        }
        List<String> path = new ArrayList<>();
        for (int w = 3; w >= 1; w--) {
            List<Picks.NameCount> ranked = Picks.ranked(context.subList(n - w * window, n - (w - 1) * window),
                    attribute, text);
            if (!Picks.clearLeader(ranked)) {
                return Optional.empty();
            }
            path.add(ranked.get(0).name());
        }
        return noConsecutiveRepeat(path) ? Optional.of(path) : Optional.empty();
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
