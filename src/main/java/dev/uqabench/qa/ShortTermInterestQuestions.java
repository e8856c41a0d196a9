package dev.uqabench.qa;

import dev.uqabench.data.Event;
import dev.uqabench.data.EventText;

import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * si (short-term interest): the most clicked category or brand over the last {@code recentWindow}
 * clicks; dropped on a tie. Distractors: names that win such windows about as often as the answer.
 */
final class ShortTermInterestQuestions implements SubtaskBuilder {

    private final QuestionConfig config;
    private final EventText text;

    ShortTermInterestQuestions(QuestionConfig config, EventText text) {
        this.config = config;
        this.text = text;
    }

    @Override
    public Subtask subtask() {
        return Subtask.SI;
    }

    @Override
    public Optional<Ask> ask(List<Event> context, Event next, Random rng) {
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
        return Optional.of(Ask.name(Templates.shortTermInterest(config.lang(), config.nouns(), attribute, window),
                OptionSlots.answers(Subtask.SI, attribute), recent.get(0).name(), QuestionFacts.window(attribute, window)));
    }
}
