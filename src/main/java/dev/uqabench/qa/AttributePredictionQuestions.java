package dev.uqabench.qa;

import dev.uqabench.data.Event;
import dev.uqabench.data.EventText;

import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * ap (attribute prediction): the category, brand or shop of the next click; distractors are drawn
 * from the user's own names mixed with popular ones, so both "what the user likes" and "what is
 * popular" appear among the wrong options.
 */
final class AttributePredictionQuestions implements SubtaskBuilder {

    private final QuestionConfig config;
    private final EventText text;
    private final AttributePool pool;

    AttributePredictionQuestions(QuestionConfig config, EventText text, AttributePool pool) {
        this.config = config;
        this.text = text;
        this.pool = pool;
    }

    @Override
    public Subtask subtask() {
        return Subtask.AP;
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
        Attribute attribute = Picks.any(List.of(Attribute.values()), rng);
        String answer = attribute.of(next, text);
        if (answer.isEmpty()) {
            return Optional.empty();
        }
        List<String> popular = pool.popular(attribute);
        List<String> mixed = Picks.union(Picks.names(Picks.ranked(context, attribute, text)),
                Picks.head(popular, config.distractorPool()));
        return Picks.distractors(answer, rng, mixed, popular)
                .map(d -> new Draft(Templates.nextAttribute(config.lang(), attribute), answer, d));
    }
}
