package dev.uqabench.qa;

/** The three task groups of UQABench, named exactly as the reference scorer prints them. */
public enum TaskGroup {
    SEQUENCE_UNDERSTANDING("Sequence understanding"),
    ACTION_PREDICTION("Action prediction"),
    INTEREST_PERCEPTION("Interest perception");

    private final String label;

    TaskGroup(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
