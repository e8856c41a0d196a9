package dev.uqabench.eval;

import dev.uqabench.data.UserSequence;
import dev.uqabench.base.UqaException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * The shuffled-user control's substitution: a seeded derangement over the test users, so that every
 * user's questions are answered from another test user's history (the user it is mapped to). If the
 * soft tokens carry information about the user, accuracy drops; if the adapter only learned a
 * fixed prompt, it does not.
 */
public final class ShuffledUsers {

    /** The user-to-donor map, written beside the shuffled-user control's predictions. */
    public static final String DONORS_FILE = "donors.json";

    private ShuffledUsers() {
    }

    /**
     * A random permutation of {@code 0..n-1} with no fixed point, the same for the same seed.
     * Sattolo's algorithm: a uniformly random single n-cycle, so no element maps to itself (the
     * derangement is not uniform over all derangements; the control needs no more than "never self").
     */
    public static int[] derangement(int n, long seed) {
        if (n < 2) {
            throw new UqaException("the shuffled-user control needs at least 2 test users, got " + n);
        }
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        Random rng = new Random(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i);          // j < i, never i itself: what makes the result one cycle
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /**
     * Each test user to the user whose history answers its questions. Users are ordered by id before
     * the derangement so the mapping does not depend on question order.
     */
    public static Map<String, String> donors(List<UserSequence> questionSequences, long seed) {
        List<String> users = new ArrayList<>(new TreeMap<>(longest(questionSequences)).keySet());
        int[] p = derangement(users.size(), seed);
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < users.size(); i++) {
            out.put(users.get(i), users.get(p[i]));
        }
        return out;
    }

    /**
     * Per question, the sequence the control encodes: the donor's full history (its longest sequence
     * among the test questions) in place of the question's own user.
     */
    public static List<UserSequence> substitute(List<UserSequence> questionSequences, Map<String, String> donors) {
        Map<String, UserSequence> history = longest(questionSequences);
        List<UserSequence> out = new ArrayList<>(questionSequences.size());
        for (UserSequence s : questionSequences) {
            String donor = donors.get(s.user());
            if (donor == null) {
                throw new UqaException("shuffled-user control: no donor for user " + s.user());
            }
            out.add(history.get(donor));
        }
        return out;
    }

    private static Map<String, UserSequence> longest(List<UserSequence> sequences) {
        Map<String, UserSequence> byUser = new LinkedHashMap<>();
        for (UserSequence s : sequences) {
            byUser.merge(s.user(), s, (a, b) -> b.length() > a.length() ? b : a);
        }
        return byUser;
    }
}
