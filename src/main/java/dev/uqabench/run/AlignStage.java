package dev.uqabench.run;

import dev.uqabench.align.EncoderStates;
import dev.uqabench.eval.AnswerMode;
import dev.uqabench.base.AtomicFiles;
import dev.uqabench.base.Json;
import dev.uqabench.align.Adapter;
import dev.uqabench.align.AdapterCheckpoint;
import dev.uqabench.align.AlignConfig;
import dev.uqabench.align.AlignTrainer;
import dev.uqabench.data.arrow.ReleaseLayout;
import dev.uqabench.data.arrow.ReleaseReader;
import dev.uqabench.data.arrow.ReleaseRow;
import dev.uqabench.llm.ChatPrompter;
import dev.uqabench.llm.LoadedModel;
import dev.uqabench.train.TrainingListener;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * align: trains an adapter from the pretrained encoder's states to soft tokens for the frozen
 * LLM on the alignment questions (question only in the prompt: the soft tokens carry the user),
 * keeping the epoch with the lowest answer loss on the validation questions. Its inputs are the two
 * question files, named in the manifest, never the qa folder: the test questions stay unread.
 */
public final class AlignStage {

    /** Encoder weights after alignment in adapter + encoder mode. */
    public static final String TUNED_ENCODER = "encoder.safetensors";

    private AlignStage() {
    }

    public static StageRunner.Outcome run(StageRunner runner, Path folder, Path pretrainFolder, Path llmFolder,
                                          Path qaFolder, AlignConfig config, AnswerMode answerMode,
                                          Supplier<LoadedModel> llm, long seed, Progress progress) {
        Path alignmentFile = qaFolder.resolve(ReleaseLayout.ALIGN_TRAIN);
        Path validationFile = qaFolder.resolve(ReleaseLayout.ALIGN_VALID);
        boolean validated = java.nio.file.Files.isRegularFile(validationFile);
        Map<String, Path> inputs = new LinkedHashMap<>();
        inputs.put("pretrain", pretrainFolder);
        inputs.put("llm", llmFolder);
        inputs.put("qa/" + ReleaseLayout.ALIGN_TRAIN, alignmentFile);
        if (validated) {
            inputs.put("qa/" + ReleaseLayout.ALIGN_VALID, validationFile);
        }
        com.fasterxml.jackson.databind.node.ObjectNode stageConfig = Json.mapper().valueToTree(config);
        stageConfig.put("answerMode", answerMode.name());
        return runner.run("align", folder, stageConfig, seed, inputs, work -> {
            LoadedModel model = llm.get();
            ChatPrompter prompter = ChatPrompter.of(model);
            EncoderStates encoder = EncoderStates.load(pretrainFolder);
            List<AlignTrainer.Example> examples = examples(alignmentFile, prompter, answerMode);
            List<AlignTrainer.Example> validation = List.of();
            if (validated) {
                validation = examples(validationFile, prompter, answerMode);
            } else {
                // the release's own align files have no validation questions (Pipeline.front)
                progress.message("align: no " + ReleaseLayout.ALIGN_VALID + " in " + qaFolder
                        + "; no epoch choice, keeping the last epoch");
            }
            Adapter adapter = AdapterCheckpoint.create(config, encoder.hiddenSize(), model.config().hiddenSize(), seed);
            double[] runningLoss = {Double.NaN};
            Progress.Ticker[] t = {null};
            AlignTrainer.Result result = AlignTrainer.train(adapter, encoder, model.decoder(), examples, validation,
                    config, EvalStage.padId(model), seed,
                    TrainingListener.onSteps(step -> {
                        if (t[0] == null) {
                            t[0] = progress.ticker("align: step", step.totalSteps(), "steps");
                        }
                        double loss = step.loss();
                        runningLoss[0] = Double.isNaN(runningLoss[0]) ? loss : 0.95 * runningLoss[0] + 0.05 * loss;
                        t[0].update(step.step(), step.step(), String.format(Locale.ROOT, "loss %.3f (avg %.3f)", loss,
                                runningLoss[0]));
                    }));
            AdapterCheckpoint.save(adapter.module(), work.resolve(AdapterCheckpoint.WEIGHTS));
            if (config.mode() == AlignConfig.Mode.ADAPTER_AND_ENCODER) {
                AdapterCheckpoint.save(encoder.module(), work.resolve(TUNED_ENCODER));
            }
            AtomicFiles.writeJson(work.resolve("adapter.json"), Map.of("adapter", config.adapter().name().toLowerCase(Locale.ROOT),
                    "tokens", adapter.tokens(), "encoder_hidden", encoder.hiddenSize(),
                    "llm_hidden", model.config().hiddenSize(), "mode", config.mode().name()));
            Map<String, Object> metrics = new LinkedHashMap<>();
            metrics.put("examples", examples.size());
            metrics.put("final_loss_avg", runningLoss[0]);
            metrics.put("validation_questions", validation.size());
            metrics.put("validation_loss_per_epoch", result.validationLosses());
            metrics.put("best_epoch", result.bestEpoch());
            if (!result.validationLosses().isEmpty()) {
                metrics.put("validation_loss", result.validationLosses().get(result.bestEpoch() - 1));
                progress.message(String.format(Locale.ROOT, "align: validation answer loss per epoch %s, keeping epoch %d",
                        result.validationLosses().stream().map(l -> String.format(Locale.ROOT, "%.4f", l)).toList(),
                        result.bestEpoch()));
            }
            metrics.put("soft_tokens", adapter.tokens());
            return metrics;
        });
    }

    private static List<AlignTrainer.Example> examples(Path file, ChatPrompter prompter, AnswerMode answerMode) {
        List<ReleaseRow> rows = ReleaseReader.open(file).readAll();
        List<AlignTrainer.Example> examples = new ArrayList<>(rows.size());
        for (ReleaseRow row : rows) {
            examples.add(new AlignTrainer.Example(row.sequence(), prompter.prompt(row.chat().question()),
                    prompter.answer(TinyLlmStage.answerText(row, answerMode, file))));
        }
        return examples;
    }

    /** The pretrained encoder with the weights tuned during alignment. */
    public static EncoderStates loadTunedEncoder(Path alignFolder, Path pretrainFolder) {
        EncoderStates encoder = EncoderStates.load(pretrainFolder);
        AdapterCheckpoint.load(encoder.module(), alignFolder.resolve(TUNED_ENCODER));
        encoder.module().eval();
        return encoder;
    }

    /** The trained adapter of an align folder, ready for evaluation. */
    public static Adapter loadAdapter(Path alignFolder, AlignConfig config, int encoderHidden, int llmHidden) {
        Adapter adapter = AdapterCheckpoint.create(config, encoderHidden, llmHidden, 0);
        AdapterCheckpoint.load(adapter.module(), alignFolder.resolve(AdapterCheckpoint.WEIGHTS));
        adapter.module().eval();
        return adapter;
    }
}
