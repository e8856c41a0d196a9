package dev.uqabench.eval;

import dev.uqabench.run.UqaException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the LLM is shown besides the question: nothing ({@code none}, the floor), the last N
 * events as text ({@code textN}, the baseline), or soft tokens from an encoder through an
 * adapter ({@code <encoder>-<adapter>}, e.g. {@code sasrec-meanpool}).
 */
public record Variant(String name, Kind kind, int textEvents) {

    public enum Kind { NONE, TEXT, SOFT }

    private static final Pattern TEXT = Pattern.compile("text(\\d+)");

    public Variant {
        if (kind == Kind.TEXT && textEvents <= 0) {
            throw new UqaException("variant " + name + ": text baselines need N > 0 events");
        }
    }

    public static Variant parse(String name) {
        if (name.equals("none")) {
            return new Variant(name, Kind.NONE, 0);
        }
        Matcher m = TEXT.matcher(name);
        if (m.matches()) {
            return new Variant(name, Kind.TEXT, Integer.parseInt(m.group(1)));
        }
        if (name.matches("[a-z0-9+]+-[a-z0-9]+")) {
            return new Variant(name, Kind.SOFT, 0);
        }
        throw new UqaException("unknown variant '" + name + "': expected none, textN (e.g. text20) or <encoder>-<adapter>");
    }
}
