package dev.uqabench.train;

import dev.uqabench.base.UqaException;

/**
 * Stops training when a loss or gradient norm is no longer a finite number, before the optimizer
 * writes it into the weights: a stage never completes with NaN outputs. The error names the stage,
 * the step and the learning rate, and ends with the stage's hint (what to lower, where the last good
 * checkpoint is).
 */
public final class DivergenceGuard {

    private final String stage;
    private final String hint;

    /**
     * @param stage the stage that trains ({@code pretrain}, {@code align}, ...), the message's first word
     * @param hint  what the user can do, e.g. "lower the learning rate"
     */
    public DivergenceGuard(String stage, String hint) {
        this.stage = stage;
        this.hint = hint;
    }

    /** Throws a {@link UqaException} when {@code value} (the step's {@code what}) is NaN or infinite. */
    public void check(String what, double value, long step, double learningRate) {
        if (!Double.isFinite(value)) {
            throw new UqaException(stage + ": " + what + " became " + value + " at step " + step
                    + " (learning rate " + learningRate + "); " + hint);
        }
    }
}
