package dev.uqabench.qa;

import dev.uqabench.data.Event;
import dev.uqabench.data.EventText;

import java.util.List;
import java.util.Optional;
import java.util.Random;

/** Drafts one kind of question about a user's clicks. */
public interface SubtaskBuilder {

    Subtask subtask();

    /** Whether the question is about the click that follows the context (action prediction). */
    default boolean asksAboutNext() {
        return false;
    }

    /**
     * One question without its distractors, or empty where this context gives none that is
     * unambiguous (a tie for "most", a missing name).
     *
     * @param context the clicks the question is about, oldest first
     * @param next    the click after the context; only read when {@link #asksAboutNext()}
     */
    Optional<Ask> ask(List<Event> context, Event next, Random rng);

    /** The builder of a sub-task. */
    static SubtaskBuilder of(Subtask subtask, QuestionConfig config, EventText text) {
        return switch (subtask) {
            case DF -> new DirectFeatureQuestions(config, text);
            case MF -> new MatchFeatureQuestions(config, text);
            case IP -> new ItemPredictionQuestions(config, text);
            case AP -> new AttributePredictionQuestions(config, text);
            case LI -> new LongTermInterestQuestions(config, text);
            case SI -> new ShortTermInterestQuestions(config, text);
            case IT -> new InterestTrajectoryQuestions(config, text);
        };
    }
}
