package dev.uqabench.qa;

import dev.uqabench.data.UserSequence;
import dev.uqabench.base.UqaException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QuestionsJsonlTest {

    @TempDir
    Path dir;

    private static List<BuiltQuestion> built() {
        List<UserSequence> users = TinyWorld.users(30, 9);
        return QuestionBuilder.fittedOnHistories(QuestionConfig.defaults(), TinyWorld.TEXT, TinyWorld.pool(users), users, 9)
                .alignmentSet(users, 9);
    }

    @Test
    void builtQuestionsRoundTripWithTheirContextLength() {
        Path file = dir.resolve("sub/questions.jsonl");
        List<BuiltQuestion> questions = built();
        QuestionsJsonl.writeBuilt(file, questions);
        assertEquals(questions, QuestionsJsonl.readBuilt(file));
        assertTrue(questions.stream().allMatch(b -> b.facts() != null), "built questions carry their facts");
        assertEquals(questions.stream().map(BuiltQuestion::question).toList(), QuestionsJsonl.read(file));
        assertFalse(Files.exists(dir.resolve("sub/questions.jsonl.tmp")), "no temporary file left");
    }

    @Test
    void linesCarryTheDesignFieldsAndReadableChinese() throws IOException {
        Path file = dir.resolve("q.jsonl");
        QuestionsJsonl.write(file, List.of(built().get(0).question()));
        String line = Files.readAllLines(file).get(0);
        assertTrue(line.startsWith("{\"id\":\"align-u0-df-0\",\"user\":\"u0\",\"subtask\":\"df\",\"task\":\"Sequence understanding\",\"question\":\"用户倒数第"), line);
        assertTrue(line.contains("\"options\":[") && line.contains("\"lang\":\"zh\""), line);
    }

    @Test
    void badRowsNameFileLineAndField() throws IOException {
        Path file = dir.resolve("q.jsonl");
        String good = Files.readString(write(file));
        Files.writeString(file, good + "\n{\"id\": 1\n");
        String message = assertThrows(UqaException.class, () -> QuestionsJsonl.read(file)).getMessage();
        assertTrue(message.startsWith(file + " line 3: not valid JSON"), message);

        Files.writeString(file, good.replace("\"answer\":\"", "\"answer\":\"X"));
        message = assertThrows(UqaException.class, () -> QuestionsJsonl.read(file)).getMessage();
        assertTrue(message.startsWith(file + " line 1: ") && message.contains("answer"), message);

        Files.writeString(file, good.replace("\"lang\":", "\"lnag\":"));
        message = assertThrows(UqaException.class, () -> QuestionsJsonl.read(file)).getMessage();
        assertTrue(message.contains("unknown field 'lnag'"), message);

        Files.writeString(file, good.replace("Sequence understanding", "Action prediction"));
        message = assertThrows(UqaException.class, () -> QuestionsJsonl.read(file)).getMessage();
        assertTrue(message.contains("does not match sub-task df"), message);

        Files.writeString(file, good);
        message = assertThrows(UqaException.class, () -> QuestionsJsonl.readBuilt(file)).getMessage();
        assertTrue(message.contains("missing field 'contextLength'"), message);
    }

    private Path write(Path file) {
        QuestionsJsonl.write(file, List.of(built().get(0).question()));
        return file;
    }
}
