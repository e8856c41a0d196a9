package dev.uqabench.pretrain;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Outcome of a pre-training run.
 *
 * @param bestCheckpoint directory of the kept (best) checkpoint, loadable with {@link EncoderCheckpoint#load}
 * @param bestEpoch      epoch of the best evaluation (1-based)
 * @param bestMetrics    Recall@K / NDCG@K of the best epoch
 * @param epochMetrics   metrics of every epoch, in order
 * @param epochLosses    mean training loss of every epoch
 * @param steps          optimisation steps done
 * @param parameters     number of model parameters (embedding tables included)
 * @param seconds        wall-clock training time
 */
public record PretrainResult(Path bestCheckpoint, int bestEpoch, Map<String, Double> bestMetrics,
                             List<Map<String, Double>> epochMetrics, List<Double> epochLosses, long steps,
                             long parameters, double seconds) {
}
