package dev.uqabench.run;

import dev.uqabench.base.AtomicFiles;
import dev.uqabench.base.Json;
import dev.uqabench.data.Catalog;
import dev.uqabench.data.arrow.ReleaseReader;
import dev.uqabench.data.arrow.ReleaseRow;
import dev.uqabench.data.text.TokenizerEventText;
import dev.uqabench.llm.AnswerMode;
import dev.uqabench.llm.ChatPrompter;
import dev.uqabench.llm.Decoder;
import dev.uqabench.llm.DecoderConfig;
import dev.uqabench.llm.HfFolder;
import dev.uqabench.llm.LlmHandle;
import dev.uqabench.llm.TinyLlmConfig;
import dev.uqabench.llm.TinyLlmCorpus;
import dev.uqabench.llm.TinyLlmTrainer;
import dev.uqabench.qa.CachedEventText;
import dev.uqabench.qa.Nouns;
import dev.uqabench.qa.QuestionSet;
import dev.uqabench.tensor.DType;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.uqabench.train.TrainingListener;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * llm (built-in): trains a tiny Qwen2-architecture LLM on the run's own LLM questions (training
 * users kept apart from the alignment users, so the adapter is aligned on users the LLM never saw),
 * each with a random number of the user's recent events written out as text, and saves it as a
 * Hugging Face folder that later stages load like any real checkpoint. It reads no validation or
 * test question: its inputs are the data folder and the two question files named in its manifest.
 */
public final class TinyLlmStage implements Stage<TinyLlmStage.Input, LlmHandle> {

    /**
     * @param dataFolder       the data (its catalogue widens the vocabulary)
     * @param qaFolder         the questions: only its LLM and alignment sets are read
     * @param featureTokenizer the tokenizer that decodes the data's token ids to names
     * @param answerMode       what the LLM learns to answer: the letter or the option's text
     * @param lang             the questions' language
     */
    public record Input(Path dataFolder, Path qaFolder, Path featureTokenizer, TinyLlmConfig config, AnswerMode answerMode,
                        String lang, long seed) {
    }

    private final StageRunner runner;
    private final Progress progress;

    public TinyLlmStage(StageRunner runner, Progress progress) {
        this.runner = runner;
        this.progress = progress;
    }

    @Override
    public LlmHandle run(Path folder, Input in) {
        Path dataFolder = in.dataFolder();
        TinyLlmConfig config = in.config();
        long seed = in.seed();
        Path alignmentFile = in.qaFolder().resolve(QuestionSet.ALIGNMENT.arrow());
        Path llmFile = in.qaFolder().resolve(QuestionSet.LLM.arrow());
        if (!Files.isRegularFile(llmFile)) {
            // a release's own questions come without LLM users: the LLM then shares the alignment users
            progress.message("llm: no " + QuestionSet.LLM.arrow() + " in " + in.qaFolder() + "; training on "
                    + QuestionSet.ALIGNMENT.arrow() + " (the LLM sees the alignment users)");
            llmFile = alignmentFile;
        }
        Path trainingFile = llmFile;
        // file-level inputs: the manifest shows that no validation or test question reached the LLM
        Map<String, Path> inputs = new LinkedHashMap<>();
        inputs.put("data", dataFolder);
        inputs.put("qa/" + trainingFile.getFileName(), trainingFile);
        inputs.put("qa/" + alignmentFile.getFileName(), alignmentFile);
        com.fasterxml.jackson.databind.node.ObjectNode stageConfig = Json.mapper().valueToTree(config);
        stageConfig.set("answer_mode", Json.mapper().valueToTree(in.answerMode()));
        runner.run("llm", folder, stageConfig, seed, inputs, work -> {
            Path tokenizerFile = work.resolve("vocab-build").resolve(HfFolder.TOKENIZER);
            Corpus built = corpus(in, trainingFile, alignmentFile, tokenizerFile);
            TinyLlmCorpus.Encoded corpus = built.encoded();
            List<ReleaseRow> train = built.training();
            List<TinyLlmTrainer.Example> examples = corpus.examples();
            long padId = corpus.padId();
            DecoderConfig shape = DecoderConfig.qwen2(corpus.vocabularySize(), config.hiddenSize(), config.intermediateSize(),
                    config.layers(), config.heads(), config.kvHeads(), Math.max(config.maxTokens() + 64, 1024), true);
            Decoder model = Decoder.create(shape, seed);
            Progress.Ticker ticker = progress.ticker("llm: training tiny LLM, step", config.steps(), "tokens");
            long[] tokens = {0};
            double[] lastLoss = {Double.NaN};
            double[] answerAverage = {Double.NaN};
            TinyLlmTrainer.train(model, config, examples, padId, seed, TrainingListener.onSteps(step -> {
                double loss = step.loss();
                double answerLoss = step.metrics().get(TinyLlmTrainer.ANSWER_LOSS);
                tokens[0] += step.units();
                lastLoss[0] = loss;
                answerAverage[0] = Double.isNaN(answerAverage[0]) ? answerLoss : 0.95 * answerAverage[0] + 0.05 * answerLoss;
                ticker.update(step.step(), tokens[0], String.format(java.util.Locale.ROOT, "loss %.3f, answer loss %.3f (avg %.3f)",
                        loss, answerLoss, answerAverage[0]));
            }));
            Path modelDir = LlmHandle.builtInModel(work);
            HfFolder.save(model, modelDir, tokenizerFile, ChatPrompter.CHATML_TEMPLATE, null, "<|im_end|>", DType.F32);
            AtomicFiles.deleteRecursively(tokenizerFile.getParent());
            Map<String, Object> metrics = new LinkedHashMap<>();
            metrics.put("vocabulary", corpus.vocabularySize());
            metrics.put("parameters", model.parameterCount());
            metrics.put("precision", in.config().precision().resolve().name().toLowerCase(Locale.ROOT));
            metrics.put("training_conversations", examples.size());
            metrics.put("training_questions", train.size());
            metrics.put("training_users", train.stream().map(r -> r.sequence().user()).distinct().count());
            metrics.put("training_tokens", tokens[0]);
            metrics.put("final_loss", lastLoss[0]);
            metrics.put("final_answer_loss_avg", answerAverage[0]);
            return metrics;
        });
        return LlmHandle.builtIn(folder);
    }

    /** The encoded training corpus and the questions it was made of. */
    record Corpus(TinyLlmCorpus.Encoded encoded, List<ReleaseRow> training) {
    }

    /**
     * Reads the training (and vocabulary-only alignment) questions and builds the encoded corpus, writing its
     * tokenizer to {@code tokenizerFile}. Same inputs and seed, same corpus.
     */
    static Corpus corpus(Input in, Path trainingFile, Path alignmentFile, Path tokenizerFile) throws java.io.IOException {
        List<ReleaseRow> train = ReleaseReader.open(trainingFile).readAll();
        // the alignment questions only widen the vocabulary: the adapter later asks them
        List<ReleaseRow> alignment = trainingFile.equals(alignmentFile) ? List.of()
                : ReleaseReader.open(alignmentFile).readAll();
        Path catalogFile = in.dataFolder().resolve(Catalog.FILE_NAME);
        Catalog catalog = Files.isRegularFile(catalogFile) ? Catalog.read(catalogFile) : null;
        Files.createDirectories(tokenizerFile.getParent());
        try (TokenizerEventText decoder = TokenizerEventText.open(in.featureTokenizer())) {
            // built without any validation or test question: QaIsolationTest checks they still tokenize without <unk>
            return new Corpus(TinyLlmCorpus.build(new TinyLlmCorpus.Input(train, trainingFile, alignment, catalog,
                            new CachedEventText(decoder, 1 << 16), in.lang(), Nouns.ofDataFolder(in.dataFolder())),
                    in.config(), in.answerMode(), in.seed(), tokenizerFile), train);
        }
    }
}
