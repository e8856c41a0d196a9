package dev.uqabench.qa;

import dev.uqabench.data.Event;
import dev.uqabench.data.EventText;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * it (interest trajectory): the dominant category in each of three consecutive windows of
 * {@code trajectoryWindow} clicks ending at the last click, as a path "A -> B -> C". Dropped when a
 * window has a tie or two consecutive windows share their category (no transition to ask about).
 * Each distractor's k-th name is drawn like the answer's k-th name among the alignment set's
 * paths, again with no name twice in a row.
 */
final class InterestTrajectoryQuestions implements SubtaskBuilder {

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
        return Optional.of(new Ask(Templates.trajectory(config.lang(), attribute, window), Ask.Shape.PATH,
                OptionSlots.answers(Subtask.IT, attribute), path, QuestionFacts.window(attribute, window)));
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
