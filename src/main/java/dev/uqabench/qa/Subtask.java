package dev.uqabench.qa;

import java.util.Locale;

/** The seven UQABench sub-tasks, in the order the reference scorer checks them. */
public enum Subtask {
    DF(TaskGroup.SEQUENCE_UNDERSTANDING, "direct feature"),
    MF(TaskGroup.SEQUENCE_UNDERSTANDING, "match feature"),
    IP(TaskGroup.ACTION_PREDICTION, "item prediction"),
    AP(TaskGroup.ACTION_PREDICTION, "attribute prediction"),
    LI(TaskGroup.INTEREST_PERCEPTION, "long-term interest"),
    SI(TaskGroup.INTEREST_PERCEPTION, "short-term interest"),
    IT(TaskGroup.INTEREST_PERCEPTION, "interest trajectory");

    private final TaskGroup group;
    private final String description;

    Subtask(TaskGroup group, String description) {
        this.group = group;
        this.description = description;
    }

    public TaskGroup group() {
        return group;
    }

    public String description() {
        return description;
    }

    /** Lower-case code used in files and by the reference ("df", "mf", ...). */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Subtask fromCode(String code) {
        for (Subtask s : values()) {
            if (s.code().equals(code)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown sub-task '" + code + "' (expected one of df, mf, ip, ap, li, si, it)");
    }
}
