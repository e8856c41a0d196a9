package dev.uqabench.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class UserRolesTest {

    @Test
    void sharesFollowTheFractionsAndTheSplitDependsOnlyOnSeedAndId() {
        UserRoles roles = new UserRoles(42, 0.5, 0.3);
        int validation = 0;
        int llm = 0;
        int n = 10_000;
        for (int i = 0; i < n; i++) {
            String user = "u" + i;
            validation += roles.ofHeldOut(user) == UserRoles.Role.VALIDATION ? 1 : 0;
            llm += roles.ofTraining(user) == UserRoles.Role.LLM ? 1 : 0;
            assertEquals(roles.ofHeldOut(user), new UserRoles(42, 0.5, 0.9).ofHeldOut(user),
                    "the held-out split does not depend on the LLM share");
        }
        // binomial standard deviation is 50 and 46 here: 4 sigma either way
        assertEquals(0.5 * n, validation, 200);
        assertEquals(0.3 * n, llm, 190);
    }

    @Test
    void anotherSeedGivesAnotherSplit() {
        List<UserRoles.Role> a = new ArrayList<>();
        List<UserRoles.Role> b = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            a.add(new UserRoles(1, 0.5, 0.5).ofHeldOut("u" + i));
            b.add(new UserRoles(2, 0.5, 0.5).ofHeldOut("u" + i));
        }
        assertNotEquals(a, b);
    }

    @Test
    void filteredSequencesKeepOnlyTheChosenUsersInBatches() {
        List<UserSequence> users = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            users.add(new UserSequence("u" + i, List.of()));
        }
        SequenceSource source = new SequenceSource() {
            @Override
            public long rows() {
                return users.size();
            }

            @Override
            public java.util.Iterator<List<UserSequence>> batches(int size) {
                List<List<UserSequence>> out = new ArrayList<>();
                for (int i = 0; i < users.size(); i += size) {
                    out.add(users.subList(i, Math.min(users.size(), i + size)));
                }
                return out.iterator();
            }
        };
        FilteredSequences even = new FilteredSequences(source, u -> Integer.parseInt(u.substring(1)) % 2 == 0);
        assertEquals(13, even.rows());
        List<String> seen = new ArrayList<>();
        for (var it = even.batches(4); it.hasNext(); ) {
            List<UserSequence> batch = it.next();
            assertTrue(batch.size() <= 4 && !batch.isEmpty());
            batch.forEach(u -> seen.add(u.user()));
        }
        assertEquals(13, seen.size());
        assertTrue(seen.stream().allMatch(u -> Integer.parseInt(u.substring(1)) % 2 == 0));
    }

    @Test
    void fractionsOutsideTheirRangeAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new UserRoles(1, 0, 0.5));
        assertThrows(IllegalArgumentException.class, () -> new UserRoles(1, 0.5, 1));
    }
}
