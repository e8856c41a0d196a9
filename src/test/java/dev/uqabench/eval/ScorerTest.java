package dev.uqabench.eval;

import dev.uqabench.qa.Subtask;
import dev.uqabench.base.UqaException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScorerTest {

    @TempDir
    Path dir;

    private static Prediction row(Subtask subtask, String question, String prediction, String answer) {
        return new Prediction(null, null, subtask, "v", question, prediction, answer, null, null);
    }

    @Test
    void countsUnderAllTasksGroupAndSubtaskInTheReferenceOrder() {
        Metrics metrics = Scorer.score(List.of(
                row(Subtask.DF, "q", "A", "A"),
                row(Subtask.DF, "q", "B. 女装", "B"),
                row(Subtask.IP, "q", "C", "D"),
                row(null, "用户近期最感兴趣的品牌是什么？", "D", "D")));
        assertEquals(Metrics.KEYS, List.copyOf(metrics.scores().keySet()));
        assertEquals(List.of("All tasks", "Sequence understanding", "Action prediction", "Interest perception",
                "df", "mf", "ip", "ap", "li", "si", "it"), Metrics.KEYS);
        assertEquals(75.0, metrics.all().accuracy());
        assertEquals(4, metrics.all().n());
        assertEquals(100.0, metrics.get("Sequence understanding").accuracy());
        assertEquals(0.0, metrics.of(Subtask.IP).accuracy());
        assertEquals(100.0, metrics.of(Subtask.SI).accuracy(), "filed by the reference's rules");
        assertEquals(0, metrics.of(Subtask.MF).n());
        assertTrue(Double.isNaN(metrics.of(Subtask.MF).accuracy()));
    }

    @Test
    void subtaskKeysAndHeadersFollowTheReferenceKeys() {
        assertEquals(List.of("All tasks", "df", "mf", "ip", "ap", "li", "si", "it"), Metrics.SUBTASK_KEYS);
        assertEquals(List.of("All", "SeqU", "ActP", "IntP", "df", "mf", "ip", "ap", "li", "si", "it"),
                Metrics.KEYS.stream().map(Metrics::header).toList());
        assertThrows(IllegalArgumentException.class, () -> Metrics.header("All"));
    }

    @Test
    void questionWithoutSubtaskAndWithoutRulePhraseNamesTheRow() {
        UqaException e = assertThrows(UqaException.class, () -> Scorer.score(List.of(
                row(Subtask.DF, "q", "A", "A"),
                new Prediction("x-7", null, null, "v", "Which brand next?", "A", "A", null, null))));
        assertTrue(e.getMessage().startsWith("prediction 2 (id x-7): "), e.getMessage());
    }

    @Test
    void metricsJsonRoundTripsWithNullForEmptyKeys() throws IOException {
        Metrics metrics = Scorer.score(List.of(row(Subtask.LI, "q", "A", "A"), row(Subtask.LI, "q", "B", "A"),
                row(Subtask.IT, "q", "C", "C")));
        Path file = dir.resolve("out/metrics.json");
        metrics.write(file);
        assertFalse(Files.exists(dir.resolve("out/metrics.json.tmp")));
        String text = Files.readString(file);
        assertTrue(text.contains("\"li\" : {\n    \"acc\" : 50.0,\n    \"n\" : 2,\n    \"correct\" : 1,\n    \"ci95\" : ["), text);
        assertTrue(text.contains("\"df\" : {\n    \"acc\" : null"), text);
        Metrics back = Metrics.read(file);
        for (String key : Metrics.KEYS) {
            Score a = metrics.get(key);
            Score b = back.get(key);
            assertEquals(a.n(), b.n());
            assertEquals(a.correct(), b.correct());
            assertEquals(a.accuracy(), b.accuracy(), key);
            assertEquals(a.lower(), b.lower(), key);
            assertEquals(a.upper(), b.upper(), key);
        }
    }

    @Test
    void predictionsRoundTripAndReadReferenceShapedRows() throws IOException {
        Path file = dir.resolve("predictions.jsonl");
        List<Prediction> predictions = List.of(
                new Prediction("test-u1-df-0", "u1", Subtask.DF, "sasrec", "用户第3次（从1开始计数）浏览的商品的类目是什么？\nA. x",
                        "A", "A", 312, 0.25),
                row(null, "q2", "B", "C"));
        PredictionsJsonl.write(file, predictions);
        assertEquals(predictions, PredictionsJsonl.read(file));

        Files.writeString(file, "{\"question\": \"q\", \"prediction\": \"B\", \"answer\": [\"B\", \"x\"], \"extra\": 1}\n");
        Prediction reference = PredictionsJsonl.read(file).get(0);
        assertEquals("B", reference.answer());
        assertNull(reference.subtask());
        assertTrue(reference.correct());

        Files.writeString(file, "{\"question\": \"q\", \"answer\": \"B\"}\n");
        String message = assertThrows(UqaException.class, () -> PredictionsJsonl.read(file)).getMessage();
        assertEquals(file + " line 1: missing field 'prediction'", message);

        Files.writeString(file, "\n{\"question\": \"q\", \"prediction\": \"B\", \"answer\": \"B\", \"subtask\": \"zz\"}\n");
        message = assertThrows(UqaException.class, () -> PredictionsJsonl.read(file)).getMessage();
        assertTrue(message.startsWith(file + " line 2: unknown sub-task 'zz'"), message);
    }
}
