package dev.uqabench.qa;

/** The three task groups of UQABench, named exactly as the reference scorer prints them. */
public enum TaskGroup {
    SEQUENCE_UNDERSTANDING("Sequence understanding", "SeqU"),
    ACTION_PREDICTION("Action prediction", "ActP"),
    INTEREST_PERCEPTION("Interest perception", "IntP");

    private final String label;
    private final String abbreviation;

    TaskGroup(String label, String abbreviation) {
        this.label = label;
        this.abbreviation = abbreviation;
    }

    public String label() {
        return label;
    }

    /** The short column header of results tables. */
    public String abbreviation() {
        return abbreviation;
    }
}
