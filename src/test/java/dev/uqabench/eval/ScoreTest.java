package dev.uqabench.eval;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScoreTest {

    @Test
    void roundsLikePythonRoundTo6Places() {
        // inputs and outputs printed by python3.11: repr(x), repr(round(x, 6))
        double[][] cases = {
            {33.333333333333336, 33.333333}, {66.66666666666667, 66.666667}, {5e-07, 0.0}, {1.5e-06, 2e-06},
            {2.6749995, 2.675}, {1.0000005, 1.000001}, {12.3456785, 12.345678}, {14.285714285714286, 14.285714},
            {83.33333333333333, 83.333333}, {2.5e-06, 3e-06},
        };
        for (double[] c : cases) {
            assertEquals(c[1], Score.round6(c[0]), "round(" + c[0] + ", 6)");
        }
    }

    @Test
    void accuracyIsHundredTimesShareRounded() {
        Score score = Score.of(1, 3);
        assertEquals(33.333333, score.accuracy());
        assertEquals(3, score.n());
        assertEquals(1, score.correct());
    }

    @Test
    void wilsonIntervalMatchesNewcombesWorkedExample() {
        // Newcombe (1998), Stat Med 17:857, example 81/263: Wilson score interval 0.2553 to 0.3662
        Score score = Score.of(81, 263);
        assertEquals(25.53, score.lower(), 0.01);
        assertEquals(36.62, score.upper(), 0.01);
        Score none = Score.of(0, 10);
        assertEquals(0.0, none.lower());
        assertTrue(none.upper() > 25 && none.upper() < 31, "0/10 upper ~27.75: " + none.upper());
        Score all = Score.of(10, 10);
        assertEquals(100.0, all.upper());
    }

    @Test
    void emptyGroupHasNoFigures() {
        Score empty = Score.of(0, 0);
        assertTrue(Double.isNaN(empty.accuracy()) && Double.isNaN(empty.lower()) && Double.isNaN(empty.upper()));
    }
}
