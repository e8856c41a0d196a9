package dev.uqabench.train;

import java.util.Map;

/**
 * One optimisation step done.
 *
 * @param stage          the stage that trains ({@code pretrain}, {@code align}, {@code llm})
 * @param step           steps done so far, this one included (1-based)
 * @param totalSteps     steps of the whole run
 * @param epoch          current epoch (1-based; 1 for a trainer without epochs)
 * @param loss           this step's training loss (NaN when the batch had nothing to predict)
 * @param learningRate   the learning rate this step used (of the first parameter group)
 * @param unit           what the trainer counts: input {@code events} or {@code tokens}
 * @param units          units this step read
 * @param unitsPerSecond units read per second, averaged over this run so far
 * @param etaSeconds     estimated seconds to the end of training (evaluation excluded)
 * @param metrics        further values of the step by name (the trainer documents its keys)
 */
public record StepEvent(String stage, long step, long totalSteps, int epoch, double loss, double learningRate,
                        String unit, long units, double unitsPerSecond, double etaSeconds, Map<String, Double> metrics) {

    public StepEvent {
        metrics = Map.copyOf(metrics);
    }
}
