package dev.uqabench.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uqabench.data.Event;
import dev.uqabench.data.UserSequence;
import dev.uqabench.base.UqaException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ShuffledUsersTest {

    @Test
    void derangementIsABijectionWithoutFixedPointsForEverySizeAndSeed() {
        for (int n = 2; n <= 40; n++) {
            for (long seed = 0; seed < 20; seed++) {
                int[] p = ShuffledUsers.derangement(n, seed);
                boolean[] hit = new boolean[n];
                for (int i = 0; i < n; i++) {
                    assertNotEquals(i, p[i], "fixed point at " + i + " (n " + n + ", seed " + seed + ")");
                    assertFalse(hit[p[i]], "two users map to " + p[i]);
                    hit[p[i]] = true;
                }
            }
        }
    }

    @Test
    void derangementIsDeterministicBySeedAndVariesWithIt() {
        assertArrayEquals(ShuffledUsers.derangement(50, 7), ShuffledUsers.derangement(50, 7));
        assertFalse(Arrays.equals(ShuffledUsers.derangement(50, 7), ShuffledUsers.derangement(50, 8)));
    }

    @Test
    void oneUserCannotBeShuffled() {
        UqaException e = assertThrows(UqaException.class, () -> ShuffledUsers.derangement(1, 0));
        assertTrue(e.getMessage().contains("at least 2 test users"), e.getMessage());
    }

    private static UserSequence user(String name, int events) {
        List<Event> list = new ArrayList<>();
        for (int i = 0; i < events; i++) {
            list.add(new Event(name.hashCode() & 0xffff, 1, 1, 1, 1, new long[][] {{5}, {}, {}, {}, {}}));
        }
        return new UserSequence(name, list);
    }

    @Test
    void everyQuestionGetsAnotherUsersFullHistory() {
        // u1 has two questions, one about a shorter prefix: the donor's longest sequence is used
        UserSequence u1Prefix = user("u1", 3);
        UserSequence u1 = user("u1", 6);
        UserSequence u2 = user("u2", 4);
        UserSequence u3 = user("u3", 5);
        List<UserSequence> questions = List.of(u1Prefix, u2, u1, u3, u3);
        Map<String, String> donors = ShuffledUsers.donors(questions, 11);
        assertEquals(donors, ShuffledUsers.donors(List.of(u3, u1, u2), 11), "independent of question order");
        List<UserSequence> used = ShuffledUsers.substitute(questions, donors);
        Map<String, UserSequence> full = Map.of("u1", u1, "u2", u2, "u3", u3);
        for (int i = 0; i < questions.size(); i++) {
            String own = questions.get(i).user();
            assertNotEquals(own, used.get(i).user(), "question " + i + " kept its own user");
            assertSame(full.get(donors.get(own)), used.get(i), "the donor's full history");
        }
    }
}
