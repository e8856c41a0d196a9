package dev.uqabench.train;

import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Receives a training run's progress: logging, progress bars and reports are listeners, not
 * branches in the loop (as DJL's {@code TrainingListener}). Every method defaults to nothing; an
 * exception thrown by a listener stops training.
 */
public interface TrainingListener {

    /** After each optimisation step. */
    default void onStep(StepEvent event) {
    }

    /** After each epoch and its evaluation. */
    default void onEpoch(EpochEvent event) {
    }

    /** After a checkpoint folder was written completely. */
    default void onCheckpoint(Path folder) {
    }

    TrainingListener NONE = new TrainingListener() {
    };

    /** A listener to steps only. */
    static TrainingListener onSteps(Consumer<StepEvent> action) {
        return new TrainingListener() {
            @Override
            public void onStep(StepEvent event) {
                action.accept(event);
            }
        };
    }
}
