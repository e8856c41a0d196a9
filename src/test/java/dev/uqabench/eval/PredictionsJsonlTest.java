package dev.uqabench.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uqabench.qa.Subtask;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Predictions are byte-identical across runs: the wall-clock seconds of each answer live in a file apart. */
class PredictionsJsonlTest {

    @TempDir
    Path dir;

    private static List<Prediction> answered(double seconds) {
        return List.of(new Prediction("q1", "u1", Subtask.DF, "none", "问题?\nA. a\nB. b\nC. c\nD. d", "A", "A", 12, seconds),
                new Prediction("q2", "u2", Subtask.IP, "none", "问题?\nA. a\nB. b\nC. c\nD. d", "B", "C", 14, 2 * seconds));
    }

    @Test
    void timingsGoApartAndComeBackOnRead() throws Exception {
        Path first = Files.createDirectories(dir.resolve("first")).resolve(PredictionsJsonl.FILE);
        Path second = Files.createDirectories(dir.resolve("second")).resolve(PredictionsJsonl.FILE);
        PredictionsJsonl.write(first, answered(0.01));
        PredictionsJsonl.write(second, answered(0.37));
        assertArrayEquals(Files.readAllBytes(first), Files.readAllBytes(second), "same answers, other timings");
        assertFalse(Files.readString(first).contains("seconds"));
        assertEquals(dir.resolve("first").resolve("predictions.timings.jsonl"), PredictionsJsonl.timingsOf(first));
        List<Prediction> back = PredictionsJsonl.read(second);
        assertEquals(answered(0.37), back);
    }

    @Test
    void aTimingsFileThatBelongsToOtherPredictionsIsIgnored() throws Exception {
        Path file = dir.resolve(PredictionsJsonl.FILE);
        PredictionsJsonl.write(file, answered(0.01));
        Files.writeString(PredictionsJsonl.timingsOf(file), "{\"id\":\"q9\",\"seconds\":0.5}\n{\"id\":\"q1\",\"seconds\":0.5}\n");
        assertTrue(PredictionsJsonl.read(file).stream().allMatch(p -> p.seconds() == null));
        Files.writeString(PredictionsJsonl.timingsOf(file), "{\"id\":\"q1\",\"seconds\":0.5}\n");
        assertTrue(PredictionsJsonl.read(file).stream().allMatch(p -> p.seconds() == null));
    }
}
