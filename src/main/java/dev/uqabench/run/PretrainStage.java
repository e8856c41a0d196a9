package dev.uqabench.run;

import dev.uqabench.base.Json;
import dev.uqabench.data.UserRoles;
import dev.uqabench.pretrain.HeldOutPretraining;
import dev.uqabench.pretrain.PretrainConfig;
import dev.uqabench.train.EpochEvent;
import dev.uqabench.train.StepEvent;
import dev.uqabench.train.TrainingListener;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * pretrain: next-item training of a user encoder on the data's pretrain files, the best epoch chosen on
 * the validation users ({@link HeldOutPretraining}).
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
        stageConfig.putObject("validation_users").put("seed", roles.seed()).put("fraction", roles.validationFraction());
        // resumable: an interrupted pretraining goes on from its last checkpoint on the next run
        // collective: in a data-parallel group every rank trains on its slices of the batches
        runner.run("pretrain", folder, stageConfig, config.seed(), Map.of("data", dataFolder), true, true, work -> {
            if (!Distributed.isMain()) {
                return HeldOutPretraining.run(dataFolder, config, roles, work, listener(progress, null), progress::message);
            }
            // the loss of every step, kept with the stage (a resumed attempt keeps the steps up to its checkpoint)
            try (StepLog steps = StepLog.open(work.resolve(STEPS_FILE), HeldOutPretraining.resumeStep(work))) {
                return HeldOutPretraining.run(dataFolder, config, roles, work, listener(progress, steps), progress::message);
            }
        });
        return new Output(folder);
    }

    /** The per-step log of a pretrain folder: one JSON line per step (step, epoch, loss, learning rate, events). */
    public static final String STEPS_FILE = "steps.jsonl";

    private static TrainingListener listener(Progress progress, StepLog steps) {
        return new TrainingListener() {
            private Progress.Ticker ticker;

            @Override
            public void onStep(StepEvent step) {
                if (steps != null) {
                    steps.add(step);
                }
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
