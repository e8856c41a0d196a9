package dev.uqabench.qa;

/** Names of the distributions answers (and so distractors) are drawn from; see {@link OptionSampler}. */
final class OptionSlots {

    static final String TITLES = "click:title";
    static final String LENGTH = "mf:length";

    private OptionSlots() {
    }

    /** Names of one attribute weighted by the training users' clicks. */
    static String clicks(Attribute attribute) {
        return "click:" + QuestionFacts.key(attribute);
    }

    /** Names weighted by how often they answer a sub-task's questions on the alignment set. */
    static String answers(Subtask subtask, Attribute attribute) {
        return subtask.code() + ":" + QuestionFacts.key(attribute);
    }

    /** mf counts of one attribute's names. */
    static String count(Attribute attribute) {
        return "mf:count:" + QuestionFacts.key(attribute);
    }
}
