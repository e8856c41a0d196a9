package dev.uqabench.run;

import dev.uqabench.data.DatasetInfo;
import dev.uqabench.data.arrow.ReleaseLayout;
import dev.uqabench.data.arrow.ReleaseReader;
import dev.uqabench.encoder.TableSizes;
import dev.uqabench.pretrain.PretrainConfig;
import dev.uqabench.pretrain.PretrainResult;
import dev.uqabench.pretrain.Pretrainer;
import dev.uqabench.pretrain.ProgressListener;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** pretrain: next-item training of a user encoder on the data's pretrain files; Recall/NDCG@K on held-out users. */
public final class PretrainStage {

    private PretrainStage() {
    }

    public static StageRunner.Outcome run(StageRunner runner, Path folder, Path dataFolder, PretrainConfig config,
                                          Progress progress) {
        return runner.run("pretrain", folder, Json.mapper().valueToTree(config), config.seed(),
                Map.of("data", dataFolder), work -> {
                    TableSizes sizes = TableSizes.fromKeys(dev.uqabench.data.arrow.ReleaseFolder.open(dataFolder, null, false)
                            .info().tableSizes());
                    ReleaseReader train = ReleaseReader.open(dataFolder.resolve(ReleaseLayout.PRETRAIN_TRAIN));
                    ReleaseReader eval = ReleaseReader.open(dataFolder.resolve(ReleaseLayout.PRETRAIN_EVAL));
                    PretrainResult result = Pretrainer.run(config, sizes, train, eval, work, listener(progress));
                    Map<String, Object> metrics = new LinkedHashMap<>(result.bestMetrics());
                    metrics.put("best_epoch", result.bestEpoch());
                    metrics.put("parameters", result.parameters());
                    metrics.put("steps", result.steps());
                    metrics.put("train_seconds", result.seconds());
                    return metrics;
                });
    }

    private static ProgressListener listener(Progress progress) {
        return new ProgressListener() {
            private Progress.Ticker ticker;

            @Override
            public void onStep(long step, long totalSteps, int epoch, double loss, double learningRate,
                               double eventsPerSecond, double etaSeconds) {
                if (ticker == null) {
                    ticker = progress.ticker("pretrain: step", totalSteps, "steps");
                }
                ticker.update(step, step, String.format(Locale.ROOT, "epoch %d loss %.3f %.0f events/s", epoch, loss,
                        eventsPerSecond));
            }

            @Override
            public void onEpoch(int epoch, double meanLoss, Map<String, Double> metrics, boolean best) {
                progress.message(String.format(Locale.ROOT, "pretrain: epoch %d loss %.3f Recall@10 %.4f NDCG@10 %.4f%s",
                        epoch, meanLoss, metrics.getOrDefault("recall@10", Double.NaN),
                        metrics.getOrDefault("ndcg@10", Double.NaN), best ? " (best)" : ""));
            }
        };
    }
}
