package dev.uqabench.run;

import dev.uqabench.align.Adapter;
import dev.uqabench.align.AdapterCheckpoint;
import dev.uqabench.align.AlignConfig;
import dev.uqabench.align.AlignExamples;
import dev.uqabench.align.AlignFolder;
import dev.uqabench.align.AlignTrainer;
import dev.uqabench.align.AlignTrainerState;
import dev.uqabench.align.EncoderStates;
import dev.uqabench.base.AtomicFiles;
import dev.uqabench.base.Json;
import dev.uqabench.llm.AnswerMode;
import dev.uqabench.llm.ChatPrompter;
import dev.uqabench.llm.LlmHandle;
import dev.uqabench.llm.LoadedModel;
import dev.uqabench.qa.QuestionSet;
import java.nio.file.Files;
import dev.uqabench.train.TrainingListener;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * align: trains an adapter from the pretrained encoder's states to soft tokens for the frozen
 * LLM on the alignment questions (question only in the prompt: the soft tokens carry the user),
 * keeping the epoch with the lowest answer loss on the validation questions. Its inputs are the two
 * question files, named in the manifest, never the qa folder: the test questions stay unread.
 *
 * <p>Resumable: the trainer keeps a checkpoint in the work folder ({@link #RESUME_FOLDER}) every
 * {@code checkpoint_every} steps and at each epoch end, so an interrupted alignment goes on from it on the next run
 * with the same fingerprint and ends with the same adapter, bit for bit; the finished folder keeps only the adapter.
 */
public final class AlignStage implements Stage<AlignStage.Input, AlignStage.Output> {

    /**
     * @param pretrainFolder the encoder to align
     * @param llm            the frozen LLM the soft tokens prompt
     * @param qaFolder       the questions: only its alignment and validation sets are read
     * @param answerMode     what the LLM answers (as it was trained to): the letter or the option's text
     * @param seed           the adapter's initialisation and the data order
     */
    public record Input(Path pretrainFolder, LlmHandle llm, Path qaFolder, AlignConfig config, AnswerMode answerMode,
                        long seed) {
    }

    /** @param folder the align folder ({@link AlignFolder}) */
    public record Output(Path folder) {
    }

    /** The resumable checkpoint's folder inside the stage's work folder (deleted once training is done). */
    static final String RESUME_FOLDER = "last";

    private final StageRunner runner;
    private final Progress progress;

    public AlignStage(StageRunner runner, Progress progress) {
        this.runner = runner;
        this.progress = progress;
    }

    @Override
    public Output run(Path folder, Input in) {
        Path pretrainFolder = in.pretrainFolder();
        AlignConfig config = in.config();
        AnswerMode answerMode = in.answerMode();
        long seed = in.seed();
        Path alignmentFile = in.qaFolder().resolve(QuestionSet.ALIGNMENT.arrow());
        Path validationFile = in.qaFolder().resolve(QuestionSet.VALIDATION.arrow());
        boolean validated = Files.isRegularFile(validationFile);
        Map<String, Path> inputs = new LinkedHashMap<>();
        inputs.put("pretrain", pretrainFolder);
        inputs.put("llm", in.llm().folder());
        inputs.put("qa/" + QuestionSet.ALIGNMENT.arrow(), alignmentFile);
        if (validated) {
            inputs.put("qa/" + QuestionSet.VALIDATION.arrow(), validationFile);
        }
        com.fasterxml.jackson.databind.node.ObjectNode stageConfig = Json.mapper().valueToTree(config);
        stageConfig.set("answer_mode", Json.mapper().valueToTree(answerMode));
        // resumable: an interrupted alignment goes on from its last checkpoint on the next run
        String label = StageRunner.label("align", folder);
        // collective: in a data-parallel group every rank trains on its slices of the batches; rank 0 writes
        runner.run("align", folder, stageConfig, seed, inputs, true, true, work -> {
            LoadedModel model = in.llm().model();
            ChatPrompter prompter = ChatPrompter.of(model);
            EncoderStates encoder = EncoderStates.load(pretrainFolder);
            List<AlignTrainer.Example> examples = AlignExamples.read(alignmentFile, prompter, answerMode);
            List<AlignTrainer.Example> validation = List.of();
            if (validated) {
                validation = AlignExamples.read(validationFile, prompter, answerMode);
            } else {
                // the release's own align files have no validation questions (Pipeline.front)
                progress.message(label + ": no " + QuestionSet.VALIDATION.arrow() + " in " + in.qaFolder()
                        + "; no epoch choice, keeping the last epoch");
            }
            Path resume = work.resolve(RESUME_FOLDER);
            AlignTrainerState.find(resume).ifPresent(state -> progress.message(String.format(Locale.ROOT,
                    label + ": resuming alignment from step %d (epoch %d, step %d of it) of the checkpoint in %s",
                    state.step(), state.epoch(), state.stepInEpoch(), resume)));
            Adapter adapter = AdapterCheckpoint.create(config, encoder.hiddenSize(), model.config().hiddenSize(), seed);
            Progress.Ticker[] t = {null};
            AlignTrainer.Result result = AlignTrainer.train(adapter, encoder, model.decoder(), examples, validation,
                    config, model.padId(), seed,
                    TrainingListener.onSteps(step -> {
                        if (t[0] == null) {
                            t[0] = progress.ticker(label + ": step", step.totalSteps(), "steps");
                        }
                        t[0].update(step.step(), step.step(), String.format(Locale.ROOT, "loss %.3f (avg %.3f)",
                                step.loss(), step.metrics().get(AlignTrainer.LOSS_AVERAGE)));
                    }), resume);
            if (!Distributed.isMain()) {
                return Map.of();   // rank 0 holds the same adapter and writes the folder
            }
            AlignTrainer.Checkpoints checkpoints = result.checkpoints();
            if (checkpoints.written() > 0) {
                progress.message(String.format(Locale.ROOT, label + ": %d resumable checkpoints of %.0f kB written in %.2f s"
                                + " (%.2f %% of %.1f s of training)", checkpoints.written(), checkpoints.bytes() / 1e3,
                        checkpoints.seconds(), 100 * checkpoints.seconds() / checkpoints.trainSeconds(),
                        checkpoints.trainSeconds()));
            }
            AlignFolder.save(work, adapter, encoder, config, model.config().hiddenSize());
            // later stages read the adapter only: the resume state (optimizer moments, best-epoch copy) goes
            AtomicFiles.deleteRecursively(resume);
            Map<String, Object> metrics = new LinkedHashMap<>();
            metrics.put("examples", examples.size());
            metrics.put("precision", config.precision().resolve().name().toLowerCase(Locale.ROOT));
            metrics.put("final_loss_avg", result.lossAverage());
            metrics.put("validation_questions", validation.size());
            metrics.put("validation_loss_per_epoch", result.validationLosses());
            metrics.put("best_epoch", result.bestEpoch());
            if (!result.validationLosses().isEmpty()) {
                metrics.put("validation_loss", result.validationLosses().get(result.bestEpoch() - 1));
                progress.message(String.format(Locale.ROOT, label + ": validation answer loss per epoch %s, keeping epoch %d",
                        result.validationLosses().stream().map(l -> String.format(Locale.ROOT, "%.4f", l)).toList(),
                        result.bestEpoch()));
            }
            metrics.put("soft_tokens", adapter.tokens());
            metrics.put("resumed_from_step", result.resumedFromStep());
            metrics.put("checkpoints_written", checkpoints.written());
            metrics.put("checkpoint_seconds", checkpoints.seconds());
            metrics.put("checkpoint_bytes", checkpoints.bytes());
            return metrics;
        });
        return new Output(folder);
    }
}
