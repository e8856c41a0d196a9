package dev.uqabench.train;

/**
 * The learning rate of every step: a linear warm-up to the peak over {@code warmupSteps}, then
 * cosine decay to {@code floor × peak} (or the peak throughout, {@link LearningRateSchedule#CONSTANT}).
 * Steps are numbered from 1 to {@code totalSteps}; one schedule serves any number of peaks (a
 * trainer with two parameter groups asks it twice).
 *
 * <p>The trainers' curves differ in their floor and in where the decay starts, which are
 * parameters here; they also round at different places ({@link Rounding}), kept so that each
 * trainer repeats its earlier runs bit for bit.
 */
public final class WarmupSchedule {

    /**
     * Where the arithmetic rounds. The three orders agree to within a few units in the last place;
     * each trainer keeps the one it always used, so that its weights (and the benchmark's
     * predictions) stay byte-identical across this refactoring.
     */
    public enum Rounding {
        /** Warm-up {@code peak * step / warmup}; decay angle {@code PI * (done / span)} (pre-training). */
        PEAK_TIMES_STEP,
        /** Warm-up {@code peak * (step / warmup)}; decay angle {@code PI * (done / span)} (the tiny LLM). */
        FRACTION_OF_PEAK,
        /** Warm-up {@code peak * (step / warmup)}; decay angle {@code PI * done / span} (alignment). */
        FRACTION_OF_PEAK_ANGLE_FIRST
    }

    private final long warmupSteps;
    private final long totalSteps;
    private final LearningRateSchedule shape;
    private final double floor;
    private final boolean firstDecayStepAtPeak;
    private final Rounding rounding;

    private WarmupSchedule(Builder builder) {
        this.warmupSteps = builder.warmupSteps;
        this.totalSteps = builder.totalSteps;
        this.shape = builder.shape;
        this.floor = builder.floor;
        this.firstDecayStepAtPeak = builder.firstDecayStepAtPeak;
        this.rounding = builder.rounding;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The learning rate of step {@code step} (1-based) for a peak of {@code peak}. */
    public double learningRate(double peak, long step) {
        if (step <= warmupSteps) {
            return rounding == Rounding.PEAK_TIMES_STEP ? peak * step / warmupSteps
                    : peak * (step / (double) warmupSteps);
        }
        if (shape == LearningRateSchedule.CONSTANT) {
            return peak;
        }
        long span = Math.max(1, totalSteps - warmupSteps);
        // steps of decay done before this one; clamped so a step past the end stays at the floor
        long done = Math.min(span, step - warmupSteps - (firstDecayStepAtPeak ? 1 : 0));
        double angle = rounding == Rounding.FRACTION_OF_PEAK_ANGLE_FIRST ? Math.PI * done / span
                : Math.PI * ((double) done / span);
        return peak * (floor + (1 - floor) * 0.5 * (1 + Math.cos(angle)));
    }

    public long warmupSteps() {
        return warmupSteps;
    }

    public long totalSteps() {
        return totalSteps;
    }

    /** {@code setSteps} is required; the rest default to cosine decay to 0 from the warm-up's last step. */
    public static final class Builder {
        private long warmupSteps = -1;
        private long totalSteps = -1;
        private LearningRateSchedule shape = LearningRateSchedule.COSINE;
        private double floor;
        private boolean firstDecayStepAtPeak;
        private Rounding rounding = Rounding.PEAK_TIMES_STEP;

        private Builder() {
        }

        public Builder setSteps(long warmupSteps, long totalSteps) {
            if (warmupSteps < 0 || totalSteps < 0) {
                throw new IllegalArgumentException("warm-up and total steps must be >= 0, got " + warmupSteps
                        + " and " + totalSteps);
            }
            this.warmupSteps = warmupSteps;
            this.totalSteps = totalSteps;
            return this;
        }

        /** What follows the warm-up: cosine decay (the default) or the peak throughout. */
        public Builder optShape(LearningRateSchedule shape) {
            this.shape = java.util.Objects.requireNonNull(shape, "shape");
            return this;
        }

        /** The fraction of the peak the cosine decays to at the last step (default 0). */
        public Builder optFloor(double floor) {
            if (!(floor >= 0 && floor <= 1)) {
                throw new IllegalArgumentException("floor must be in [0, 1], got " + floor);
            }
            this.floor = floor;
            return this;
        }

        /**
         * Whether the first step after the warm-up is again at the peak, so the decay ends one step
         * short of the floor (alignment, the tiny LLM); by default the warm-up's last step is the
         * peak and the last step is at the floor (pre-training).
         */
        public Builder optFirstDecayStepAtPeak(boolean atPeak) {
            this.firstDecayStepAtPeak = atPeak;
            return this;
        }

        public Builder optRounding(Rounding rounding) {
            this.rounding = java.util.Objects.requireNonNull(rounding, "rounding");
            return this;
        }

        public WarmupSchedule build() {
            if (warmupSteps < 0) {
                throw new IllegalStateException("setSteps(warmupSteps, totalSteps) is required");
            }
            return new WarmupSchedule(this);
        }
    }
}
