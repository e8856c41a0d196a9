package dev.uqabench.qa;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What a question asks, in structured form, so that audits and history oracles can recompute its
 * answer from the user's clicks without parsing the wording. Fields a sub-task does not use are null.
 *
 * @param attribute "category", "brand", "shop" or "title": the name kind the options are made of
 * @param position  df: the k-th most recent click of the context (1 = the last click)
 * @param measure   mf: "length" (clicks in the history) or "count" (clicks carrying {@code name})
 * @param name      mf count: the counted name of {@code attribute}
 * @param window    si: the last {@code window} clicks; it: clicks per window (three windows end at the last click)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record QuestionFacts(String attribute, Integer position, String measure, String name, Integer window) {

    public static final String TITLE = "title";
    public static final String LENGTH = "length";
    public static final String COUNT = "count";

    public QuestionFacts {
        if (attribute == null && measure == null) {
            throw new IllegalArgumentException("question facts need an attribute or a measure");
        }
        if (position != null && position < 1) {
            throw new IllegalArgumentException("position counts from 1 (the last click), got " + position);
        }
        if (window != null && window < 1) {
            throw new IllegalArgumentException("window must be >= 1, got " + window);
        }
        if (measure != null && !measure.equals(LENGTH) && !measure.equals(COUNT)) {
            throw new IllegalArgumentException("measure must be length or count, got " + measure);
        }
    }

    static QuestionFacts of(Attribute attribute) {
        return new QuestionFacts(key(attribute), null, null, null, null);
    }

    static QuestionFacts title() {
        return new QuestionFacts(TITLE, null, null, null, null);
    }

    static QuestionFacts position(Attribute attribute, int position) {
        return new QuestionFacts(key(attribute), position, null, null, null);
    }

    static QuestionFacts window(Attribute attribute, int window) {
        return new QuestionFacts(key(attribute), null, null, null, window);
    }

    static QuestionFacts length() {
        return new QuestionFacts(null, null, LENGTH, null, null);
    }

    static QuestionFacts count(Attribute attribute, String name) {
        return new QuestionFacts(key(attribute), null, COUNT, name, null);
    }

    /** The attribute's key in facts: its English label. */
    public static String key(Attribute attribute) {
        return attribute.label(Lang.EN);
    }
}
