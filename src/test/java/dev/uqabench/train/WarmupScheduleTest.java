package dev.uqabench.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * The one schedule reproduces, to the bit, the three curves the trainers computed before it: the
 * expected values below are the old formulas, copied as they were written in each loop.
 */
class WarmupScheduleTest {

    private static final double[] PEAKS = {1e-3, 3e-3, 4e-4, 2e-3, 1e-5, 7.3e-4, 0.1, 1e-2};
    private static final int[][] WARMUP_TOTAL = {{0, 40}, {1, 1}, {4, 40}, {5, 30}, {20, 1000}, {37, 333}, {50, 50},
            {10, 5}, {0, 1}};

    /** Pretrainer.learningRate before the kit: 1-based step, decay to 10 % ending at the last step. */
    private static double oldPretrain(double peak, long step, int warmupSteps, long totalSteps,
                                      LearningRateSchedule schedule) {
        if (step <= warmupSteps) {
            return peak * step / warmupSteps;
        }
        if (schedule == LearningRateSchedule.CONSTANT) {
            return peak;
        }
        long decaySteps = Math.max(1, totalSteps - warmupSteps);
        double progressFraction = Math.min(1.0, (double) (step - warmupSteps) / decaySteps);
        return peak * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * progressFraction)));
    }

    /** AlignTrainer's loop before the kit: 0-based step, decay to 0; lr = peak * scale. */
    private static double oldAlign(double peak, int step, int warmup, int total, LearningRateSchedule schedule) {
        double scale = step < warmup ? (step + 1.0) / warmup
                : schedule == LearningRateSchedule.CONSTANT ? 1
                : 0.5 * (1 + Math.cos(Math.PI * (step - warmup) / Math.max(1, total - warmup)));
        return peak * scale;
    }

    /** TinyLlmTrainer.schedule before the kit: 0-based step, decay to 0.1; lr = peak * schedule. */
    private static double oldTinyLlm(double peak, int step, int warmup, int total) {
        double scale;
        if (step < warmup) {
            scale = (step + 1.0) / warmup;
        } else {
            double progress = (step - warmup) / (double) Math.max(1, total - warmup);
            scale = 0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * progress));
        }
        return peak * scale;
    }

    static WarmupSchedule pretraining(long warmup, long total, LearningRateSchedule shape) {
        return WarmupSchedule.builder().setSteps(warmup, total).optShape(shape).optFloor(0.1)
                .optRounding(WarmupSchedule.Rounding.PEAK_TIMES_STEP).build();
    }

    static WarmupSchedule alignment(long warmup, long total, LearningRateSchedule shape) {
        return WarmupSchedule.builder().setSteps(warmup, total).optShape(shape).optFloor(0)
                .optFirstDecayStepAtPeak(true).optRounding(WarmupSchedule.Rounding.FRACTION_OF_PEAK_ANGLE_FIRST).build();
    }

    static WarmupSchedule tinyLlm(long warmup, long total) {
        return WarmupSchedule.builder().setSteps(warmup, total).optFloor(0.1).optFirstDecayStepAtPeak(true)
                .optRounding(WarmupSchedule.Rounding.FRACTION_OF_PEAK).build();
    }

    @Test
    void reproducesThePretrainingCurveBitForBit() {
        for (LearningRateSchedule shape : LearningRateSchedule.values()) {
            for (int[] wt : WARMUP_TOTAL) {
                WarmupSchedule schedule = pretraining(wt[0], wt[1], shape);
                for (double peak : PEAKS) {
                    for (long step = 1; step <= wt[1] + 2; step++) {  // two steps past the end: clamped to the floor
                        assertBits(oldPretrain(peak, step, wt[0], wt[1], shape), schedule.learningRate(peak, step),
                                "pretrain " + shape + " " + wt[0] + "/" + wt[1] + " peak " + peak + " step " + step);
                    }
                }
            }
        }
    }

    @Test
    void reproducesTheAlignmentCurveBitForBit() {
        for (LearningRateSchedule shape : LearningRateSchedule.values()) {
            for (int[] wt : WARMUP_TOTAL) {
                WarmupSchedule schedule = alignment(wt[0], wt[1], shape);
                for (double peak : PEAKS) {
                    for (int step = 0; step < wt[1]; step++) {
                        assertBits(oldAlign(peak, step, wt[0], wt[1], shape), schedule.learningRate(peak, step + 1),
                                "align " + shape + " " + wt[0] + "/" + wt[1] + " peak " + peak + " step " + step);
                    }
                }
            }
        }
    }

    @Test
    void reproducesTheTinyLlmCurveBitForBit() {
        for (int[] wt : WARMUP_TOTAL) {
            WarmupSchedule schedule = tinyLlm(wt[0], wt[1]);
            for (double peak : PEAKS) {
                for (int step = 0; step < wt[1]; step++) {
                    assertBits(oldTinyLlm(peak, step, wt[0], wt[1]), schedule.learningRate(peak, step + 1),
                            "tiny LLM " + wt[0] + "/" + wt[1] + " peak " + peak + " step " + step);
                }
            }
        }
    }

    @Test
    void warmsUpLinearlyThenDecaysToTheFloor() {
        WarmupSchedule schedule = pretraining(4, 104, LearningRateSchedule.COSINE);
        assertEquals(0.25, schedule.learningRate(1, 1), 1e-15);
        assertEquals(1.0, schedule.learningRate(1, 4), 1e-15);
        assertEquals(0.55, schedule.learningRate(1, 54), 1e-12);   // half-way: the mean of peak and floor
        assertEquals(0.1, schedule.learningRate(1, 104), 1e-15);
        WarmupSchedule constant = pretraining(4, 104, LearningRateSchedule.CONSTANT);
        assertEquals(1.0, constant.learningRate(1, 5));
        assertEquals(1.0, constant.learningRate(1, 104));
        // from the peak: the first step after the warm-up is again at the peak
        WarmupSchedule fromPeak = alignment(4, 104, LearningRateSchedule.COSINE);
        assertEquals(1.0, fromPeak.learningRate(1, 5));
        assertEquals(0.5 * (1 + Math.cos(Math.PI * 99 / 100)), fromPeak.learningRate(1, 104), 1e-15);
    }

    @Test
    void badParametersAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> WarmupSchedule.builder().setSteps(-1, 10));
        assertThrows(IllegalArgumentException.class, () -> WarmupSchedule.builder().optFloor(1.5));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> WarmupSchedule.builder().build());
        assertEquals("setSteps(warmupSteps, totalSteps) is required", e.getMessage());
    }

    private static void assertBits(double expected, double actual, String what) {
        assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(actual),
                what + ": expected " + expected + ", got " + actual);
    }
}
