package dev.uqabench.qa;

import dev.uqabench.data.Event;
import dev.uqabench.data.EventText;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/**
 * li (long-term interest): the user's three most clicked categories or brands over the whole
 * history, most clicked first. Dropped when counts tie among the first four (order or membership
 * would be ambiguous). Distractors are other triples (as sets) drawn from the same pool as the answer:
 * the user's six most clicked names and five popular ones.
 */
final class LongTermInterestQuestions implements SubtaskBuilder {

    private static final int TRIES = 100;
    private static final int OWN_NAMES = 6;
    private static final int POPULAR_NAMES = 5;

    private final QuestionConfig config;
    private final EventText text;
    private final AttributePool pool;

    LongTermInterestQuestions(QuestionConfig config, EventText text, AttributePool pool) {
        this.config = config;
        this.text = text;
        this.pool = pool;
    }

    @Override
    public Subtask subtask() {
        return Subtask.LI;
    }

    @Override
    public Optional<Draft> draft(List<Event> context, Event next, Random rng) {
        Attribute attribute = rng.nextBoolean() ? Attribute.CATEGORY : Attribute.BRAND;
        List<Picks.NameCount> ranked = Picks.ranked(context, attribute, text);
        if (ranked.size() < 3 || !strictlyDecreasing(ranked)) {
            return Optional.empty();
        }
        List<String> top = Picks.names(ranked.subList(0, 3));
        // Every option, the answer included, is three names out of one pool, and distractors draw from
        // the whole pool (the true names too): no name is more frequent across the options because it
        // is a true one, so the options alone do not give the answer away (tested by a consensus guesser).
        List<String> names = Picks.union(Picks.head(Picks.names(ranked), OWN_NAMES),
                Picks.head(pool.popular(attribute), POPULAR_NAMES));
        if (names.size() < 4) {
            return Optional.empty();
        }
        Set<Set<String>> used = new HashSet<>();
        used.add(Set.copyOf(top));
        List<String> distractors = new ArrayList<>();
        for (int t = 0; t < TRIES && distractors.size() < 3; t++) {
            List<String> triple = Picks.shuffled(names, rng).subList(0, 3);
            if (used.add(Set.copyOf(triple))) {
                distractors.add(Templates.joinNames(config.lang(), triple));
            }
        }
        if (distractors.size() < 3) {
            return Optional.empty();
        }
        return Optional.of(new Draft(Templates.longTermInterest(config.lang(), attribute),
                Templates.joinNames(config.lang(), top), distractors));
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
