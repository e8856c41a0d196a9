package dev.uqabench.pretrain;

import java.nio.file.Path;
import java.util.Map;

/** Receives pre-training progress; logging and reporting are listeners, not branches in the loop. */
public interface ProgressListener {

    /**
     * After each optimisation step.
     *
     * @param step            steps done so far (1-based)
     * @param totalSteps      steps of the whole run
     * @param epoch           current epoch (1-based)
     * @param loss            this step's training loss
     * @param learningRate    learning rate used by this step
     * @param eventsPerSecond input events read per second (sum of the users' window lengths), averaged over this run so far
     * @param etaSeconds      estimated seconds to the end of training (evaluation excluded)
     */
    default void onStep(long step, long totalSteps, int epoch, double loss, double learningRate,
                        double eventsPerSecond, double etaSeconds) {
    }

    /** After each epoch's evaluation; {@code best} says whether it became the kept checkpoint. */
    default void onEpoch(int epoch, double meanLoss, Map<String, Double> metrics, boolean best) {
    }

    /** After a checkpoint directory was written completely. */
    default void onCheckpoint(Path directory) {
    }

    ProgressListener NONE = new ProgressListener() {
    };
}
