package dev.uqabench.qa;

import dev.uqabench.data.Event;
import dev.uqabench.data.EventText;

import java.util.List;
import java.util.Optional;
import java.util.Random;

/** ap (attribute prediction): the category, brand or shop of the next click; distractors are names clicked about as often. */
final class AttributePredictionQuestions implements SubtaskBuilder {

    private final QuestionConfig config;
    private final EventText text;

    AttributePredictionQuestions(QuestionConfig config, EventText text) {
        this.config = config;
        this.text = text;
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
    public Optional<Ask> ask(List<Event> context, Event next, Random rng) {
        if (next == null) {
            return Optional.empty();
        }
        Attribute attribute = Picks.any(List.of(Attribute.values()), rng);
        String answer = attribute.of(next, text);
        if (answer.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(Ask.name(Templates.nextAttribute(config.lang(), config.nouns(), attribute), OptionSlots.clicks(attribute), answer,
                QuestionFacts.of(attribute)));
    }
}
