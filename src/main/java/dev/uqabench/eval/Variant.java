package dev.uqabench.eval;

import dev.uqabench.base.UqaException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the LLM is shown besides the question: nothing ({@code none}, the floor), the last N
 * events as text ({@code textN}, the baseline), or soft tokens from an encoder through an
 * adapter ({@code <encoder>-<adapter>}, e.g. {@code sasrec-meanpool}). Two controls test whether
 * the soft tokens carry information about <em>this</em> user: {@code <encoder>-<adapter>-shuffled}
 * (the same trained adapter fed another test user's history) and {@code learned-prompt} (the same
 * number of trained soft tokens made from no user information at all).
 */
public record Variant(String name, Kind kind, int textEvents) {

    public enum Kind { NONE, TEXT, SOFT, SHUFFLED, LEARNED_PROMPT }

    public static final String LEARNED_PROMPT = "learned-prompt";
    public static final String SHUFFLED_SUFFIX = "-shuffled";

    private static final Pattern TEXT = Pattern.compile("text(\\d+)");
    private static final String SOFT = "[a-z0-9+]+-[a-z0-9]+(-[a-z0-9+]+)*";

    public Variant {
        if (kind == Kind.TEXT && textEvents <= 0) {
            throw new UqaException("variant " + name + ": text baselines need N > 0 events");
        }
    }

    public static Variant parse(String name) {
        if (name.equals("none")) {
            return new Variant(name, Kind.NONE, 0);
        }
        if (name.equals(LEARNED_PROMPT)) {
            return new Variant(name, Kind.LEARNED_PROMPT, 0);
        }
        Matcher m = TEXT.matcher(name);
        if (m.matches()) {
            return new Variant(name, Kind.TEXT, Integer.parseInt(m.group(1)));
        }
        if (name.endsWith(SHUFFLED_SUFFIX) && embeddingName(name).matches(SOFT)) {
            return new Variant(name, Kind.SHUFFLED, 0);
        }
        if (name.matches(SOFT)) {
            return new Variant(name, Kind.SOFT, 0);
        }
        throw new UqaException("unknown variant '" + name + "': expected none, textN (e.g. text20), <encoder>-<adapter>, "
                + "<encoder>-<adapter>-shuffled or learned-prompt");
    }

    /** The shuffled-user control of an embedding variant ({@code sasrec-meanpool} to {@code sasrec-meanpool-shuffled}). */
    public static Variant shuffled(Variant embedding) {
        if (embedding.kind != Kind.SOFT) {
            throw new UqaException("variant " + embedding.name + ": only embedding variants have a shuffled-user control");
        }
        return parse(embedding.name + SHUFFLED_SUFFIX);
    }

    /** Whether the LLM gets soft tokens from an adapter (the embedding variant and both controls). */
    public boolean usesSoftTokens() {
        return kind == Kind.SOFT || kind == Kind.SHUFFLED || kind == Kind.LEARNED_PROMPT;
    }

    /** For a shuffled control, the embedding variant whose encoder and adapter it reuses; else the name itself. */
    public String embedding() {
        return kind == Kind.SHUFFLED ? embeddingName(name) : name;
    }

    private static String embeddingName(String shuffled) {
        return shuffled.substring(0, shuffled.length() - SHUFFLED_SUFFIX.length());
    }
}
