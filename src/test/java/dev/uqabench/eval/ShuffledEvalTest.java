package dev.uqabench.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.uqabench.data.Event;
import dev.uqabench.data.UserSequence;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the encoder reads in the eval stage: the question's own user, except in the shuffled control. */
class ShuffledEvalTest {

    private static UserSequence user(String name, long item) {
        return new UserSequence(name, List.of(new Event(item, 1, 1, 1, 1, new long[][] {{5}, {}, {}, {}, {}})));
    }

    @Test
    void theShuffledControlEncodesAnotherUsersSequenceAndTheEmbeddingItsOwn() {
        List<UserSequence> questions = List.of(user("a", 1), user("b", 2), user("c", 3), user("a", 1), user("d", 4));
        assertSame(questions, Evaluation.encoderInputs(questions, Variant.parse("sasrec-meanpool"), 3));
        assertSame(questions, Evaluation.encoderInputs(questions, Variant.parse("learned-prompt"), 3));
        List<UserSequence> shuffled = Evaluation.encoderInputs(questions, Variant.parse("sasrec-meanpool-shuffled"), 3);
        assertEquals(questions.size(), shuffled.size());
        for (int i = 0; i < questions.size(); i++) {
            assertNotEquals(questions.get(i).user(), shuffled.get(i).user());
            assertNotEquals(questions.get(i).events().get(0).item(), shuffled.get(i).events().get(0).item());
        }
        assertEquals(shuffled.get(0), shuffled.get(3), "the same user always gets the same donor");
        assertEquals(shuffled, Evaluation.encoderInputs(questions, Variant.parse("sasrec-meanpool-shuffled"), 3));
    }
}
