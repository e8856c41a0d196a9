package dev.uqabench.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressTest {

    @Test
    void aResumedCounterMeasuresItsRateAndEtaFromItsFirstUpdate() {
        Progress.Ticker ticker = Progress.silent().ticker("pretrain: step", 178, "steps");
        ticker.update(93, 93, null);               // resumed at step 93: the baseline, nothing measured yet
        // 10 more steps in 5 s: 2 steps/s, 75 steps left: 38 s (not 93 steps over a few milliseconds)
        assertEquals("pretrain: step 103/178  2 steps/s  ETA 38 s  loss 1.0", ticker.line(103, 103, 5.0, "loss 1.0"));
        assertEquals("pretrain: step 93/178  - steps/s  ETA - s  ", ticker.line(93, 93, 0.0, null));
    }

    @Test
    void theFirstUpdatePrintsOnlyWhenItIsTheLast() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Progress progress = new Progress(new PrintStream(bytes, true, StandardCharsets.UTF_8), false);
        progress.ticker("eval: question", 10, "questions").update(3, 3, null);
        assertEquals("", bytes.toString(StandardCharsets.UTF_8));
        progress.ticker("eval: question", 10, "questions").update(10, 10, null);
        String printed = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(printed.startsWith("[uqabench] eval: question 10/10  - questions/s  ETA - s"), printed);
    }
}
