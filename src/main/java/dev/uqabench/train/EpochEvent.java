package dev.uqabench.train;

import java.util.Map;

/**
 * One epoch done, after its evaluation.
 *
 * @param stage    the stage that trains
 * @param epoch    the epoch (1-based)
 * @param meanLoss mean training loss of its steps (NaN when none had anything to predict)
 * @param metrics  its evaluation by name (Recall@K, validation loss, ...; empty without one)
 * @param best     whether its weights are now the ones kept
 */
public record EpochEvent(String stage, int epoch, double meanLoss, Map<String, Double> metrics, boolean best) {

    public EpochEvent {
        metrics = Map.copyOf(metrics);
    }
}
