package dev.uqabench.qa;

import dev.uqabench.data.Event;
import dev.uqabench.data.EventText;

import java.util.List;
import java.util.Optional;
import java.util.Random;

/** ip (item prediction): the title of the next click; distractors are titles clicked about as often. */
final class ItemPredictionQuestions implements SubtaskBuilder {

    private final QuestionConfig config;
    private final EventText text;

    ItemPredictionQuestions(QuestionConfig config, EventText text) {
        this.config = config;
        this.text = text;
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
    public Optional<Ask> ask(List<Event> context, Event next, Random rng) {
        if (next == null) {
            return Optional.empty();
        }
        String title = text.title(next);
        String answer = title == null ? "" : title.strip();
        if (answer.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(Ask.name(Templates.nextTitle(config.lang(), config.nouns()), OptionSlots.TITLES, answer, QuestionFacts.title()));
    }
}
