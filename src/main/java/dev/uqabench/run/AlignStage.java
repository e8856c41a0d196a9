package dev.uqabench.run;

import dev.uqabench.align.Adapter;
import dev.uqabench.align.AdapterCheckpoint;
import dev.uqabench.align.AlignConfig;
import dev.uqabench.align.AlignTrainer;
import dev.uqabench.data.arrow.ReleaseLayout;
import dev.uqabench.data.arrow.ReleaseReader;
import dev.uqabench.data.arrow.ReleaseRow;
import dev.uqabench.llm.ChatPrompter;
import dev.uqabench.llm.LoadedModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * align: trains an adapter from the pretrained encoder's states to soft tokens for the frozen
 * LLM on the alignment questions (question only in the prompt: the soft tokens carry the user).
 */
public final class AlignStage {

    /** Encoder weights after alignment in adapter + encoder mode. */
    public static final String TUNED_ENCODER = "encoder.safetensors";

    private AlignStage() {
    }

    public static StageRunner.Outcome run(StageRunner runner, Path folder, Path pretrainFolder, Path llmFolder,
                                          Path qaFolder, AlignConfig config, AnswerMode answerMode,
                                          Supplier<LoadedModel> llm, long seed, Progress progress) {
        Map<String, Path> inputs = Map.of("pretrain", pretrainFolder, "llm", llmFolder, "qa", qaFolder);
        com.fasterxml.jackson.databind.node.ObjectNode stageConfig = Json.mapper().valueToTree(config);
        stageConfig.put("answerMode", answerMode.name());
        return runner.run("align", folder, stageConfig, seed, inputs, work -> {
            LoadedModel model = llm.get();
            ChatPrompter prompter = ChatPrompter.of(model);
            EncoderStates encoder = EncoderStates.load(pretrainFolder);
            List<ReleaseRow> rows = ReleaseReader.open(qaFolder.resolve(ReleaseLayout.ALIGN_TRAIN)).readAll();
            List<AlignTrainer.Example> examples = new ArrayList<>(rows.size());
            for (ReleaseRow row : rows) {
                examples.add(new AlignTrainer.Example(row.sequence(), prompter.prompt(row.chat().question()),
                        prompter.answer(TinyLlmStage.answerText(row, answerMode, qaFolder))));
            }
            Adapter adapter = AdapterCheckpoint.create(config, encoder.hiddenSize(), model.config().hiddenSize(), seed);
            double[] runningLoss = {Double.NaN};
            Progress.Ticker[] t = {null};
            AlignTrainer.train(adapter, encoder, model.decoder(), examples, config, EvalStage.padId(model), seed,
                    (step, total, loss) -> {
                        if (t[0] == null) {
                            t[0] = progress.ticker("align: step", total, "steps");
                        }
                        runningLoss[0] = Double.isNaN(runningLoss[0]) ? loss : 0.95 * runningLoss[0] + 0.05 * loss;
                        t[0].update(step, step, String.format(Locale.ROOT, "loss %.3f (avg %.3f)", loss, runningLoss[0]));
                    });
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
            metrics.put("soft_tokens", adapter.tokens());
            return metrics;
        });
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
