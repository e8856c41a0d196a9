package dev.uqabench.run;

import dev.uqabench.base.Json;
import dev.uqabench.base.UqaException;
import dev.uqabench.data.FilteredSequences;
import dev.uqabench.data.SequenceSource;
import dev.uqabench.data.UserRoles;
import dev.uqabench.data.arrow.ReleaseLayout;
import dev.uqabench.data.arrow.ReleaseReader;
import dev.uqabench.encoder.TableSizes;
import dev.uqabench.pretrain.EncoderCheckpoint;
import dev.uqabench.pretrain.Evaluator;
import dev.uqabench.pretrain.LoadedEncoder;
import dev.uqabench.pretrain.PretrainConfig;
import dev.uqabench.pretrain.PretrainResult;
import dev.uqabench.pretrain.Pretrainer;
import dev.uqabench.train.EpochEvent;
import dev.uqabench.train.StepEvent;
import dev.uqabench.train.TrainingListener;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * pretrain: next-item training of a user encoder on the data's pretrain files. The best epoch is
 * chosen by Recall/NDCG@K on the validation users among the held-out ones ({@link UserRoles}, the
 * same split the qa stage makes); the test users are ranked once, by the chosen epoch, and reported
 * as {@code test_*}. The plain {@code recall@K}/{@code ndcg@K} metrics are the validation users'.
 */
public final class PretrainStage implements Stage<PretrainStage.Input, PretrainStage.Output> {

    /**
     * @param dataFolder the data whose pretrain files the encoder is trained and ranked on
     * @param roles      who validates (the best epoch is chosen on them) and who tests
     */
    public record Input(Path dataFolder, PretrainConfig config, UserRoles roles) {
    }

    /** @param folder the encoder checkpoint folder */
    public record Output(Path folder) {
    }

    private final StageRunner runner;
    private final Progress progress;

    public PretrainStage(StageRunner runner, Progress progress) {
        this.runner = runner;
        this.progress = progress;
    }

    @Override
    public Output run(Path folder, Input in) {
        Path dataFolder = in.dataFolder();
        PretrainConfig config = in.config();
        UserRoles roles = in.roles();
        com.fasterxml.jackson.databind.node.ObjectNode stageConfig = Json.mapper().valueToTree(config);
        // the split is part of the configuration: another split, another choice of epoch
        stageConfig.putObject("validationUsers").put("seed", roles.seed()).put("fraction", roles.validationFraction());
        runner.run("pretrain", folder, stageConfig, config.seed(),
                Map.of("data", dataFolder), work -> {
                    TableSizes sizes = TableSizes.fromKeys(dev.uqabench.data.arrow.ReleaseFolder.open(dataFolder, null, false)
                            .info().tableSizes());
                    ReleaseReader train = ReleaseReader.open(dataFolder.resolve(ReleaseLayout.PRETRAIN_TRAIN));
                    ReleaseReader eval = ReleaseReader.open(dataFolder.resolve(ReleaseLayout.PRETRAIN_EVAL));
                    SequenceSource validation = new FilteredSequences(eval,
                            user -> roles.ofHeldOut(user) == UserRoles.Role.VALIDATION);
                    SequenceSource test = new FilteredSequences(eval, user -> roles.ofHeldOut(user) == UserRoles.Role.TEST);
                    if (validation.rows() == 0) {
                        throw new UqaException("pretrain: none of the " + eval.rows() + " held-out users of "
                                + eval.file() + " is a validation user (qa.validationFraction "
                                + roles.validationFraction() + "); the best epoch cannot be chosen");
                    }
                    PretrainResult result = Pretrainer.run(config, sizes, train, validation, work, listener(progress));
                    Map<String, Object> metrics = new LinkedHashMap<>(result.bestMetrics());
                    metrics.put("validation_users", validation.rows());
                    metrics.put("test_users", test.rows());
                    if (test.rows() > 0) {
                        LoadedEncoder chosen = EncoderCheckpoint.load(result.bestCheckpoint());
                        Evaluator.evaluate(chosen.model(), test, config)
                                .forEach((key, value) -> metrics.put("test_" + key, value));
                    }
                    metrics.put("best_epoch", result.bestEpoch());
                    metrics.put("parameters", result.parameters());
                    metrics.put("steps", result.steps());
                    metrics.put("train_seconds", result.seconds());
                    return metrics;
                });
        return new Output(folder);
    }

    private static TrainingListener listener(Progress progress) {
        return new TrainingListener() {
            private Progress.Ticker ticker;

            @Override
            public void onStep(StepEvent step) {
                if (ticker == null) {
                    ticker = progress.ticker("pretrain: step", step.totalSteps(), "steps");
                }
                ticker.update(step.step(), step.step(), String.format(Locale.ROOT, "epoch %d loss %.3f %.0f events/s",
                        step.epoch(), step.loss(), step.unitsPerSecond()));
            }

            @Override
            public void onEpoch(EpochEvent epoch) {
                Map<String, Double> metrics = epoch.metrics();
                progress.message(String.format(Locale.ROOT, "pretrain: epoch %d loss %.3f validation Recall@10 %.4f NDCG@10 %.4f%s",
                        epoch.epoch(), epoch.meanLoss(), metrics.getOrDefault("recall@10", Double.NaN),
                        metrics.getOrDefault("ndcg@10", Double.NaN), epoch.best() ? " (best)" : ""));
            }
        };
    }
}
