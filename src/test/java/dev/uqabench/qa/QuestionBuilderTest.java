package dev.uqabench.qa;

import dev.uqabench.data.UserSequence;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QuestionBuilderTest {

    private static final List<UserSequence> USERS = TinyWorld.users(20, 3);
    private static final QuestionConfig CONFIG = new QuestionConfig(Lang.ZH, 20, 10, 10,
            QuestionConfig.uniform(3), QuestionConfig.uniform(1));

    private static QuestionBuilder builder() {
        return QuestionBuilder.fittedOnHistories(CONFIG, TinyWorld.TEXT, TinyWorld.pool(USERS), USERS, 11);
    }

    @Test
    void sameSeedSameQuestionsOtherSeedOtherQuestions() {
        assertEquals(builder().alignmentSet(USERS, 11), builder().alignmentSet(USERS, 11));
        assertNotEquals(builder().alignmentSet(USERS, 11), builder().alignmentSet(USERS, 12));
    }

    @Test
    void aUsersQuestionsDoNotDependOnTheOtherUsersInTheBatch() {
        List<BuiltQuestion> all = builder().alignmentSet(USERS, 5);
        List<BuiltQuestion> alone = builder().alignmentSet(List.of(USERS.get(7)), 5);
        assertEquals(all.stream().filter(b -> b.question().user().equals("u7")).toList(), alone);
    }

    @Test
    void idsAreUniqueAndNameSetUserSubtaskAndIndex() {
        List<BuiltQuestion> align = builder().alignmentSet(USERS, 1);
        List<BuiltQuestion> test = builder().testSet(USERS.stream().map(u -> UserSplit.holdOut(u, 2)).toList(), 1);
        Set<String> ids = new HashSet<>();
        for (BuiltQuestion b : align) {
            Question q = b.question();
            assertTrue(q.id().matches("align-" + q.user() + "-" + q.subtask().code() + "-[0-2]"), q.id());
            assertTrue(ids.add(q.id()), "duplicate " + q.id());
        }
        for (BuiltQuestion b : test) {
            Question q = b.question();
            assertTrue(q.id().matches("test-" + q.user() + "-" + q.subtask().code() + "-0"), q.id());
            assertTrue(ids.add(q.id()), "duplicate " + q.id());
        }
    }

    @Test
    void alignmentActionPredictionHoldsOutAHistoryClick() {
        for (BuiltQuestion b : builder().alignmentSet(USERS, 2)) {
            UserSequence user = USERS.stream().filter(u -> u.user().equals(b.question().user())).findFirst().orElseThrow();
            Subtask subtask = b.question().subtask();
            if (subtask == Subtask.IP || subtask == Subtask.AP) {
                assertTrue(b.contextLength() < user.length(), "the next click must lie inside the history");
                if (subtask == Subtask.IP) {
                    String next = TinyWorld.TEXT.title(user.events().get(b.contextLength()));
                    assertEquals(next, b.question().options().get(b.question().answerIndex()));
                }
            } else if (subtask == Subtask.SI || subtask == Subtask.IT) {
                assertTrue(b.contextLength() <= user.length());
            } else {
                assertEquals(user.length(), b.contextLength(), subtask + " is about the whole history");
            }
        }
    }

    @Test
    void countsPerUserAreUpperBoundsAndZeroBuildsNothing() {
        QuestionConfig onlyIp = new QuestionConfig(Lang.EN, 20, 10, 10,
                java.util.Map.of(Subtask.DF, 0, Subtask.MF, 0, Subtask.IP, 4, Subtask.AP, 0, Subtask.LI, 0, Subtask.SI, 0,
                        Subtask.IT, 0), QuestionConfig.uniform(0));
        List<BuiltQuestion> built = QuestionBuilder.fittedOnHistories(onlyIp, TinyWorld.TEXT, TinyWorld.pool(USERS), USERS, 1)
                .alignmentSet(USERS, 1);
        assertTrue(built.size() <= USERS.size() * 4, "at most four per user");
        assertTrue(built.size() >= USERS.size() * 3, "most users get four distinct held-out clicks: " + built.size());
        assertTrue(built.stream().allMatch(b -> b.question().subtask() == Subtask.IP && b.question().lang().equals("en")));
    }
}
