package dev.uqabench.audit;

import dev.uqabench.qa.Subtask;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** How an option's text is made of names: li joins names with "、" or ", ", it writes a path "A -> B -> C". */
public final class OptionText {

    private static final Pattern RANGE = Pattern.compile("\\s*(\\d+)\\s*(?:([-–~])\\s*(\\d+)|(\\+))?\\s*");

    private OptionText() {
    }

    /** The names an option is made of (the option itself for single-name sub-tasks). */
    public static List<String> names(Subtask subtask, String option) {
        String[] parts = switch (subtask) {
            case LI -> option.split("、|,\\s*");
            case IT -> option.split("\\s*->\\s*");
            default -> new String[]{option};
        };
        List<String> names = new ArrayList<>(parts.length);
        for (String part : parts) {
            String name = part.strip();
            if (!name.isEmpty()) {
                names.add(name);
            }
        }
        return names;
    }

    /**
     * A count option as a range: "7" is [7, 7], "4-7" is [4, 7], "16+" is [16, infinity).
     * Returns null when the text is not a count.
     */
    public static long[] countRange(String option) {
        Matcher m = RANGE.matcher(option);
        if (!m.matches()) {
            return null;
        }
        long lo = Long.parseLong(m.group(1));
        if (m.group(4) != null) {
            return new long[]{lo, Long.MAX_VALUE};
        }
        long hi = m.group(3) != null ? Long.parseLong(m.group(3)) : lo;
        return new long[]{lo, hi};
    }

    /** Whether {@code count} lies in the option's range. */
    public static boolean contains(String option, long count) {
        long[] range = countRange(option);
        return range != null && range[0] <= count && count <= range[1];
    }
}
