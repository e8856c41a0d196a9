package dev.uqabench.qa;

import java.util.List;

/**
 * A question before its distractors (first phase of {@link QuestionBuilder}): the stem, the correct
 * answer in parts, and the slot whose answers its distractors are drawn like. Distractors come
 * second, from an {@link OptionSampler} fitted on the alignment users' asks, so that every option
 * of a question is drawn from the same distribution and the options alone carry no answer.
 *
 * @param shape how the parts make one option
 * @param slot  the distribution the answer belongs to, e.g. {@code click:category}, {@code si:brand}, {@code mf:length}
 * @param parts one name (NAME), three names (NAMES, PATH) or one count (COUNT)
 */
record Ask(String stem, Shape shape, String slot, List<String> parts, QuestionFacts facts) {

    enum Shape {
        /** One name: df, ip, ap, si. */
        NAME,
        /** Three names, most clicked first: li. */
        NAMES,
        /** Three names, one per window, no name twice in a row: it. */
        PATH,
        /** A count, answered by the range that holds it: mf. */
        COUNT
    }

    Ask {
        parts = List.copyOf(parts);
        int expected = shape == Shape.NAMES || shape == Shape.PATH ? 3 : 1;
        if (parts.size() != expected) {
            throw new IllegalArgumentException(shape + " answers have " + expected + " parts, got " + parts);
        }
    }

    static Ask name(String stem, String slot, String name, QuestionFacts facts) {
        return new Ask(stem, Shape.NAME, slot, List.of(name), facts);
    }

    int count() {
        return Integer.parseInt(parts.get(0));
    }
}
