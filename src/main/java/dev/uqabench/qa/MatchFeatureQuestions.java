package dev.uqabench.qa;

import dev.uqabench.data.Event;
import dev.uqabench.data.EventText;

import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * mf (match feature): a count over the whole history, either its length or how many clicks carry
 * one of the user's categories or brands. Options are four count ranges ({@link CountBins}), the
 * same for every question of a kind, so neither a value nor the options' order gives the answer.
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
    public Optional<Ask> ask(List<Event> context, Event next, Random rng) {
        if (context.isEmpty()) {
            return Optional.empty();
        }
        if (rng.nextBoolean()) {
            return Optional.of(new Ask(Templates.sequenceLength(config.lang(), config.nouns()), Ask.Shape.COUNT, OptionSlots.LENGTH,
                    List.of(String.valueOf(context.size())), QuestionFacts.length()));
        }
        Attribute attribute = rng.nextBoolean() ? Attribute.CATEGORY : Attribute.BRAND;
        List<Picks.NameCount> ranked = Picks.ranked(context, attribute, text);
        if (ranked.isEmpty()) {
            return Optional.empty();
        }
        Picks.NameCount asked = Picks.any(ranked, rng);
        return Optional.of(new Ask(Templates.attributeCount(config.lang(), config.nouns(), attribute, asked.name()), Ask.Shape.COUNT,
                OptionSlots.count(attribute), List.of(String.valueOf(asked.count())),
                QuestionFacts.count(attribute, asked.name())));
    }
}
