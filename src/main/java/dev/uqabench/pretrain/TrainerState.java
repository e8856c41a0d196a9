package dev.uqabench.pretrain;

import java.util.List;
import java.util.Map;

/**
 * Where an interrupted run stands ({@code trainer.json} of the resumable checkpoint).
 *
 * @param config        the run's config; a resume with another config is refused
 * @param epoch         epoch in progress (1-based)
 * @param stepInEpoch   steps of that epoch already done
 * @param step          steps done in all
 * @param lossSum       sum of this epoch's step losses so far
 * @param lossCount     steps summed in {@code lossSum}
 * @param bestEpoch     best epoch so far (0: none yet)
 * @param bestScore     its NDCG@10 (-1 before the first evaluation)
 * @param epochMetrics  metrics of finished epochs
 * @param epochLosses   mean losses of finished epochs
 * @param trainSeconds  training time spent so far
 * @param optimizerSteps AdamW updates done (steps whose batch had nothing to predict make none)
 */
record TrainerState(PretrainConfig config, int epoch, long stepInEpoch, long step, double lossSum, long lossCount,
                    int bestEpoch, double bestScore, List<Map<String, Double>> epochMetrics, List<Double> epochLosses,
                    double trainSeconds, long optimizerSteps) {
}
