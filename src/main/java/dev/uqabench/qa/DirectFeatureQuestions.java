package dev.uqabench.qa;

import dev.uqabench.data.Event;
import dev.uqabench.data.EventText;

import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * df (direct feature): the category, brand or shop of the k-th most recent click (1 = the last
 * one). Counting back from the end keeps the question answerable from a text prompt of the last
 * {@code maxLookback} events without telling anyone how long the history is (counting from the
 * first click would: mf asks exactly that). Distractors: names clicked like the answer.
 */
final class DirectFeatureQuestions implements SubtaskBuilder {

    private final QuestionConfig config;
    private final EventText text;

    DirectFeatureQuestions(QuestionConfig config, EventText text) {
        this.config = config;
        this.text = text;
    }

    @Override
    public Subtask subtask() {
        return Subtask.DF;
    }

    @Override
    public Optional<Ask> ask(List<Event> context, Event next, Random rng) {
        int n = context.size();
        if (n == 0) {
            return Optional.empty();
        }
        int reach = config.maxLookback() == 0 ? n : Math.min(n, config.maxLookback());
        int position = 1 + rng.nextInt(reach);
        Attribute attribute = Picks.any(List.of(Attribute.values()), rng);
        String answer = attribute.of(context.get(n - position), text);
        if (answer.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(Ask.name(Templates.directFeature(config.lang(), config.nouns(), attribute, position),
                OptionSlots.clicks(attribute), answer, QuestionFacts.position(attribute, position)));
    }
}
