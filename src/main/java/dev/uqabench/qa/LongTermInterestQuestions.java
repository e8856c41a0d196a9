package dev.uqabench.qa;

import dev.uqabench.data.Event;
import dev.uqabench.data.EventText;

import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * li (long-term interest): the user's three most clicked categories or brands over the whole
 * history, most clicked first. Dropped when counts tie among the first four (order or membership
 * would be ambiguous). Each distractor's k-th name is drawn like the answer's k-th name among the
 * alignment set's li answers, so no name and no place in an option marks the answer.
 */
final class LongTermInterestQuestions implements SubtaskBuilder {

    private final QuestionConfig config;
    private final EventText text;

    LongTermInterestQuestions(QuestionConfig config, EventText text) {
        this.config = config;
        this.text = text;
    }

    @Override
    public Subtask subtask() {
        return Subtask.LI;
    }

    @Override
    public Optional<Ask> ask(List<Event> context, Event next, Random rng) {
        Attribute attribute = rng.nextBoolean() ? Attribute.CATEGORY : Attribute.BRAND;
        List<Picks.NameCount> ranked = Picks.ranked(context, attribute, text);
        if (ranked.size() < 3 || !strictlyDecreasing(ranked)) {
            return Optional.empty();
        }
        return Optional.of(new Ask(Templates.longTermInterest(config.lang(), config.nouns(), attribute), Ask.Shape.NAMES,
                OptionSlots.answers(Subtask.LI, attribute), Picks.names(ranked.subList(0, 3)), QuestionFacts.of(attribute)));
    }

    /** Counts of the first three strictly decreasing, and the third strictly above the fourth. */
    private static boolean strictlyDecreasing(List<Picks.NameCount> ranked) {
        int last = Math.min(4, ranked.size());
        for (int i = 1; i < last; i++) {
            if (ranked.get(i - 1).count() == ranked.get(i).count()) {
                return false;
            }
        }
        return true;
    }
}
