package dev.uqabench.qa;

import dev.uqabench.data.Event;
import dev.uqabench.data.EventText;

import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * df (direct feature): the category, brand or shop of the item clicked at position k, counted from 1
 * from the oldest click. k is drawn among the last {@code maxLookback} clicks so that a text prompt
 * of that many events contains the answer. Distractors: the user's other names first (so the
 * position matters), then popular ones.
 */
final class DirectFeatureQuestions implements SubtaskBuilder {

    private final QuestionConfig config;
    private final EventText text;
    private final AttributePool pool;

    DirectFeatureQuestions(QuestionConfig config, EventText text, AttributePool pool) {
        this.config = config;
        this.text = text;
        this.pool = pool;
    }

    @Override
    public Subtask subtask() {
        return Subtask.DF;
    }

    @Override
    public Optional<Draft> draft(List<Event> context, Event next, Random rng) {
        int n = context.size();
        if (n == 0) {
            return Optional.empty();
        }
        int first = config.maxLookback() == 0 ? 1 : Math.max(1, n - config.maxLookback() + 1);
        int position = first + rng.nextInt(n - first + 1);
        Attribute attribute = Picks.any(List.of(Attribute.values()), rng);
        String answer = attribute.of(context.get(position - 1), text);
        if (answer.isEmpty()) {
            return Optional.empty();
        }
        List<String> popular = pool.popular(attribute);
        return Picks.distractors(answer, rng, Picks.names(Picks.ranked(context, attribute, text)),
                        Picks.head(popular, config.distractorPool()), popular)
                .map(d -> new Draft(Templates.directFeature(config.lang(), attribute, position), answer, d));
    }
}
