package dev.uqabench.qa;

import dev.uqabench.data.Event;
import dev.uqabench.data.EventText;

import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * si (short-term interest): the most clicked category or brand over the last {@code recentWindow}
 * clicks; dropped on a tie. Distractors: the user's other (long-term) names first, so the question
 * separates recent from overall interest, then popular ones.
 */
final class ShortTermInterestQuestions implements SubtaskBuilder {

    private final QuestionConfig config;
    private final EventText text;
    private final AttributePool pool;

    ShortTermInterestQuestions(QuestionConfig config, EventText text, AttributePool pool) {
        this.config = config;
        this.text = text;
        this.pool = pool;
    }

    @Override
    public Subtask subtask() {
        return Subtask.SI;
    }

    @Override
    public Optional<Draft> draft(List<Event> context, Event next, Random rng) {
        int window = config.recentWindow();
        if (context.size() < window) {
            return Optional.empty();
        }
        Attribute attribute = rng.nextBoolean() ? Attribute.CATEGORY : Attribute.BRAND;
        List<Picks.NameCount> recent = Picks.ranked(context.subList(context.size() - window, context.size()),
                attribute, text);
        if (!Picks.clearLeader(recent)) {
            return Optional.empty();
        }
        String answer = recent.get(0).name();
        List<String> popular = pool.popular(attribute);
        return Picks.distractors(answer, rng, Picks.names(Picks.ranked(context, attribute, text)),
                        Picks.head(popular, config.distractorPool()), popular)
                .map(d -> new Draft(Templates.shortTermInterest(config.lang(), attribute, window), answer, d));
    }
}
