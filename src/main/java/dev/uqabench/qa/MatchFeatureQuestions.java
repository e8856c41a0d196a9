package dev.uqabench.qa;

import dev.uqabench.data.Event;
import dev.uqabench.data.EventText;

import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * mf (match feature): a count over the whole history, either its length or how many clicked items
 * carry one of the user's categories or brands. Options are the answer and three nearby numbers.
 */
final class MatchFeatureQuestions implements SubtaskBuilder {

    private final QuestionConfig config;
    private final EventText text;

    MatchFeatureQuestions(QuestionConfig config, EventText text) {
        this.config = config;
        this.text = text;
    }

    @Override
    public Subtask subtask() {
        return Subtask.MF;
    }

    @Override
    public Optional<Draft> draft(List<Event> context, Event next, Random rng) {
        if (context.isEmpty()) {
            return Optional.empty();
        }
        if (rng.nextBoolean()) {
            int length = context.size();
            return Optional.of(new Draft(Templates.sequenceLength(config.lang()), String.valueOf(length),
                    Picks.numeric(length, rng)));
        }
        Attribute attribute = rng.nextBoolean() ? Attribute.CATEGORY : Attribute.BRAND;
        List<Picks.NameCount> ranked = Picks.ranked(context, attribute, text);
        if (ranked.isEmpty()) {
            return Optional.empty();
        }
        Picks.NameCount asked = Picks.any(ranked, rng);
        return Optional.of(new Draft(Templates.attributeCount(config.lang(), attribute, asked.name()),
                String.valueOf(asked.count()), Picks.numeric(asked.count(), rng)));
    }
}
