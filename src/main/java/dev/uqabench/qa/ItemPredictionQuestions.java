package dev.uqabench.qa;

import dev.uqabench.data.Event;
import dev.uqabench.data.EventText;

import java.util.List;
import java.util.Optional;
import java.util.Random;

/** ip (item prediction): the title of the next click; distractors are popular titles other than it. */
final class ItemPredictionQuestions implements SubtaskBuilder {

    private final QuestionConfig config;
    private final EventText text;
    private final AttributePool pool;

    ItemPredictionQuestions(QuestionConfig config, EventText text, AttributePool pool) {
        this.config = config;
        this.text = text;
        this.pool = pool;
    }

    @Override
    public Subtask subtask() {
        return Subtask.IP;
    }

    @Override
    public boolean asksAboutNext() {
        return true;
    }

    @Override
    public Optional<Draft> draft(List<Event> context, Event next, Random rng) {
        if (next == null) {
            return Optional.empty();
        }
        String title = text.title(next);
        String answer = title == null ? "" : title.strip();
        if (answer.isEmpty()) {
            return Optional.empty();
        }
        List<String> popular = pool.popularTitles();
        return Picks.distractors(answer, rng, Picks.head(popular, config.distractorPool()), popular)
                .map(d -> new Draft(Templates.nextTitle(config.lang()), answer, d));
    }
}
