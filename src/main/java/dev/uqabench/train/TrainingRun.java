package dev.uqabench.train;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import org.bytedeco.pytorch.TensorVector;

/**
 * The loop mechanics the trainers share, for one run of a training loop: the divergence guard on
 * each step's loss and gradient norm, gradient clipping, and the progress events (throughput and
 * time left measured from the start of this run, so a resumed run estimates from its own pace).
 * The trainer keeps its data order, forward pass and loss, and numbers its steps.
 *
 * <pre>{@code
 * TrainingRun run = TrainingRun.builder().setStage("llm").setTotalSteps(steps).optUnit("tokens")
 *         .optDivergenceHint("lower the learning rate").optListener(listener).build();
 * for (long step = 1; step <= steps; step++) {
 *     double lr = schedule.learningRate(peak, step);
 *     Tensor loss = forward(batch);
 *     double value = loss.item_double();
 *     run.checkLoss(value, step, lr);
 *     loss.backward();
 *     run.clip(parameters, maxNorm, step, lr);
 *     optimizer.step();
 *     run.stepDone(step, 1, value, lr, tokens, Map.of());
 * }
 * }</pre>
 */
public final class TrainingRun {

    private final String stage;
    private final long totalSteps;
    private final String unit;
    private final DivergenceGuard guard;
    private final TrainingListener listener;
    private final long startNanos = System.nanoTime();
    private long stepsThisRun;
    private long unitsThisRun;

    private TrainingRun(Builder builder) {
        this.stage = builder.stage;
        this.totalSteps = builder.totalSteps;
        this.unit = builder.unit;
        this.guard = new DivergenceGuard(builder.stage, builder.divergenceHint);
        this.listener = builder.listener;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Stops training (see {@link DivergenceGuard}) when the step's loss is not finite. */
    public void checkLoss(double loss, long step, double learningRate) {
        check("loss", loss, step, learningRate);
    }

    /** Stops training when {@code value} (named {@code what} in the error: "validation loss", ...) is not finite. */
    public void check(String what, double value, long step, double learningRate) {
        guard.check(what, value, step, learningRate);
    }

    /**
     * Clips the gradients to a global norm of {@code maxNorm} (0: measures only), then stops
     * training when that norm is not finite, before the optimizer could apply it.
     *
     * @return the global gradient norm before clipping
     */
    public double clip(TensorVector parameters, double maxNorm, long step, double learningRate) {
        double norm = GradientClip.clip(parameters, maxNorm);
        guard.check("gradient norm", norm, step, learningRate);
        return norm;
    }

    /** {@link #clip} for gradients held outside their parameters ({@link GradientClip#clipGradients}). */
    public double clipGradients(java.util.List<org.bytedeco.pytorch.Tensor> gradients, double maxNorm, long step,
                                double learningRate) {
        double norm = GradientClip.clipGradients(gradients, maxNorm);
        guard.check("gradient norm", norm, step, learningRate);
        return norm;
    }

    /**
     * In a data-parallel group: whether the ranks agreed (in a collective) to stop after this step. The next
     * {@link #stepDone} follows it instead of this process's own request, so that every rank stops at the same step
     * (a request that came after the agreement waits for the next one).
     */
    public void agreeOnStop(boolean stop) {
        agreedStop = stop;
    }

    /** The agreement {@link #agreeOnStop} recorded for the next {@link #stepDone} (false when none). */
    public boolean stopAgreed() {
        return Boolean.TRUE.equals(agreedStop);
    }

    /** Reports step {@code step} (1-based) done; {@code loss} NaN when the batch had nothing to predict. */
    private Boolean agreedStop;

    public void stepDone(long step, int epoch, double loss, double learningRate, long units, Map<String, Double> metrics) {
        // a request the trainer saw before this call (it saved the step's checkpoint) stops here, once the listeners
        // (a step log) have the step; one that comes later stops at the next step's safe point
        boolean stopping = agreedStop != null ? agreedStop : dev.uqabench.base.StopRequest.isRequested();
        agreedStop = null;
        stepsThisRun++;
        unitsThisRun += units;
        double elapsed = elapsedSeconds();
        double eta = elapsed / stepsThisRun * (totalSteps - step);
        listener.onStep(new StepEvent(stage, step, totalSteps, epoch, loss, learningRate, unit, units,
                unitsThisRun / Math.max(elapsed, 1e-9), eta, metrics));
        // a safe point: between two steps no native kernel runs, and the last checkpoint is on disk
        if (stopping) {
            dev.uqabench.base.StopRequest.check(stage + " step " + step + " of " + totalSteps);
        }
    }

    /** Reports an epoch done, after its evaluation. */
    public void epochDone(int epoch, double meanLoss, Map<String, Double> metrics, boolean best) {
        listener.onEpoch(new EpochEvent(stage, epoch, meanLoss, metrics, best));
    }

    /** Reports a checkpoint folder written completely. */
    public void checkpointWritten(Path folder) {
        listener.onCheckpoint(folder);
    }

    /** Seconds since this run started. */
    public double elapsedSeconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** {@code setStage} and {@code setTotalSteps} are required. */
    public static final class Builder {
        private String stage;
        private long totalSteps = -1;
        private String unit = "events";
        private String divergenceHint = "lower the learning rate";
        private TrainingListener listener = TrainingListener.NONE;

        private Builder() {
        }

        /** The stage that trains; it names the stage in events and errors. */
        public Builder setStage(String stage) {
            this.stage = Objects.requireNonNull(stage, "stage");
            return this;
        }

        public Builder setTotalSteps(long totalSteps) {
            if (totalSteps < 0) {
                throw new IllegalArgumentException("totalSteps must be >= 0, got " + totalSteps);
            }
            this.totalSteps = totalSteps;
            return this;
        }

        /** What a step's units are ({@code events}, {@code tokens}); default {@code events}. */
        public Builder optUnit(String unit) {
            this.unit = Objects.requireNonNull(unit, "unit");
            return this;
        }

        /** What the divergence error tells the user to do; default "lower the learning rate". */
        public Builder optDivergenceHint(String hint) {
            this.divergenceHint = Objects.requireNonNull(hint, "hint");
            return this;
        }

        public Builder optListener(TrainingListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        public TrainingRun build() {
            if (stage == null || totalSteps < 0) {
                throw new IllegalStateException("setStage and setTotalSteps are required");
            }
            return new TrainingRun(this);
        }
    }
}
