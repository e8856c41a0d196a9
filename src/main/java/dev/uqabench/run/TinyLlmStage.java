package dev.uqabench.run;

import dev.uqabench.eval.AnswerMode;
import dev.uqabench.base.AtomicFiles;
import dev.uqabench.base.Json;
import dev.uqabench.data.Catalog;
import dev.uqabench.data.EventText;
import dev.uqabench.data.arrow.ReleaseLayout;
import dev.uqabench.data.arrow.ReleaseReader;
import dev.uqabench.data.arrow.ReleaseRow;
import dev.uqabench.data.text.CatalogTokens;
import dev.uqabench.data.text.TokenizerEventText;
import dev.uqabench.data.text.WordTokenizerBuilder;
import dev.uqabench.llm.ChatPrompter;
import dev.uqabench.llm.ChatTemplate;
import dev.uqabench.llm.ComputeType;
import dev.uqabench.llm.Decoder;
import dev.uqabench.llm.DecoderConfig;
import dev.uqabench.llm.HfFolder;
import dev.uqabench.llm.LlmTokenizer;
import dev.uqabench.llm.RecallDrills;
import dev.uqabench.data.Event;
import dev.uqabench.data.UserSequence;
import dev.uqabench.llm.TinyLlmConfig;
import dev.uqabench.llm.TinyLlmTrainer;
import dev.uqabench.qa.CachedEventText;
import dev.uqabench.qa.TextContext;
import dev.uqabench.tensor.DType;
import dev.uqabench.train.TrainingListener;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * llm (built-in): trains a tiny Qwen2-architecture LLM on the run's own LLM questions (training
 * users kept apart from the alignment users, so the adapter is aligned on users the LLM never saw),
 * each with a random number of the user's recent events written out as text, and saves it as a
 * Hugging Face folder that later stages load like any real checkpoint. It reads no validation or
 * test question: its inputs are the data folder and the two question files named in its manifest.
 */
public final class TinyLlmStage {

    private TinyLlmStage() {
    }

    public static StageRunner.Outcome run(StageRunner runner, Path folder, Path dataFolder, Path qaFolder,
                                          Path featureTokenizer, TinyLlmConfig config, AnswerMode answerMode,
                                          String lang, long seed, Progress progress) {
        Path alignmentFile = qaFolder.resolve(ReleaseLayout.ALIGN_TRAIN);
        Path llmFile = qaFolder.resolve(ReleaseLayout.ALIGN_LLM);
        if (!java.nio.file.Files.isRegularFile(llmFile)) {
            // a release's own questions come without LLM users: the LLM then shares the alignment users
            progress.message("llm: no " + ReleaseLayout.ALIGN_LLM + " in " + qaFolder + "; training on "
                    + ReleaseLayout.ALIGN_TRAIN + " (the LLM sees the alignment users)");
            llmFile = alignmentFile;
        }
        Path trainingFile = llmFile;
        // file-level inputs: the manifest shows that no validation or test question reached the LLM
        Map<String, Path> inputs = new LinkedHashMap<>();
        inputs.put("data", dataFolder);
        inputs.put("qa/" + trainingFile.getFileName(), trainingFile);
        inputs.put("qa/" + alignmentFile.getFileName(), alignmentFile);
        com.fasterxml.jackson.databind.node.ObjectNode stageConfig = Json.mapper().valueToTree(config);
        stageConfig.put("answerMode", answerMode.name());
        return runner.run("llm", folder, stageConfig, seed, inputs, work -> {
            dev.uqabench.qa.Nouns nouns = dev.uqabench.qa.Nouns.ofDataFolder(dataFolder);
            List<ReleaseRow> train = ReleaseReader.open(trainingFile).readAll();
            // the alignment questions only widen the vocabulary: the adapter later asks them
            List<ReleaseRow> alignment = trainingFile.equals(alignmentFile) ? List.of()
                    : ReleaseReader.open(alignmentFile).readAll();
            // Questions about the same user and the same events form one conversation: the context is
            // written once, before the first question, and every answer in it is a training signal.
            Map<String, List<ReleaseRow>> conversations = new LinkedHashMap<>();
            for (ReleaseRow row : train) {
                conversations.computeIfAbsent(row.sequence().user() + "#" + row.sequence().length(), k -> new ArrayList<>())
                        .add(row);
            }
            Random rng = new Random(seed);
            List<List<String[]>> dialogues = new ArrayList<>();
            List<String> corpus = new ArrayList<>();
            try (TokenizerEventText decoder = TokenizerEventText.open(featureTokenizer)) {
                EventText text = new CachedEventText(decoder, 1 << 16);
                for (List<ReleaseRow> rows : conversations.values()) {
                    for (int n : config.contextLengths()) {
                        List<ReleaseRow> order = new ArrayList<>(rows);
                        java.util.Collections.shuffle(order, rng);
                        List<String[]> turns = new ArrayList<>();
                        for (int i = 0; i < order.size(); i++) {
                            ReleaseRow row = order.get(i);
                            String turn = i == 0 ? TextContext.userTurn(row.sequence(), n, row.chat().question(), text, lang, nouns)
                                    : row.chat().question();
                            turns.add(new String[] {turn, answerText(row, answerMode, trainingFile)});
                            corpus.add(turn);
                        }
                        dialogues.add(turns);
                    }
                }
                if (config.drills() > 0) {
                    List<UserSequence> users = new ArrayList<>();
                    for (List<ReleaseRow> rows : conversations.values()) {
                        users.add(rows.get(0).sequence());
                    }
                    List<String> categories = RecallDrills.categoryNames(users, text);
                    for (int i = 0; i < config.drills(); i++) {
                        UserSequence u = users.get(rng.nextInt(users.size()));
                        int n = 1 + rng.nextInt(Math.min(5, u.length()));
                        List<Event> context = u.last(n);
                        RecallDrills.Drill d = RecallDrills.categoryRecall(context,
                                TextContext.render(context, text, lang, nouns), text, categories, lang, rng);
                        if (d != null) {
                            String answer = answerMode == AnswerMode.LETTER ? d.answer()
                                    : dev.uqabench.qa.OptionParser.goldText(d.userTurn(), d.answer(), "recall drill");
                            dialogues.add(List.<String[]>of(new String[] {d.userTurn(), answer}));
                            corpus.add(d.userTurn());
                        }
                    }
                }
                // The vocabulary covers every name and word the model can be shown: the catalogue's
                // names and titles, every template's wording (through the LLM and alignment questions,
                // which use all of them) and single digits. It is built without any validation or test
                // question; QaIsolationTest checks that test questions still tokenize without <unk>.
                if (java.nio.file.Files.isRegularFile(dataFolder.resolve(Catalog.FILE_NAME))) {
                    corpus.addAll(CatalogTokens.corpus(Catalog.read(dataFolder.resolve(Catalog.FILE_NAME))));
                }
                for (ReleaseRow row : alignment) {
                    corpus.add(row.chat().question());
                }
                corpus.add(TextContext.render(List.of(), text, lang, nouns));
                corpus.addAll(List.of("user", "assistant", "system", "0123456789", "A B C D", "\n"));
            }
            Path tokenizerFile = work.resolve("vocab-build").resolve(HfFolder.TOKENIZER);
            java.nio.file.Files.createDirectories(tokenizerFile.getParent());
            Map<String, Integer> vocabulary = WordTokenizerBuilder.write(corpus, tokenizerFile);
            List<TinyLlmTrainer.Example> examples = new ArrayList<>(dialogues.size());
            long padId;
            long endOfTurn;
            try (LlmTokenizer tokenizer = LlmTokenizer.load(tokenizerFile)) {
                endOfTurn = tokenizer.tokenId("<|im_end|>").orElseThrow();
                padId = tokenizer.tokenId(WordTokenizerBuilder.PAD).orElseThrow();
                long[] newline = tokenizer.encode("\n", false);
                ChatTemplate template = new ChatTemplate("tiny LLM", ChatPrompter.CHATML_TEMPLATE, null, "<|im_end|>");
                ChatPrompter prompter = new ChatPrompter(tokenizer, template, endOfTurn);
                for (List<String[]> turns : dialogues) {
                    TinyLlmTrainer.Example.Builder b = new TinyLlmTrainer.Example.Builder();
                    for (String[] turn : turns) {
                        long[] prompt = prompter.prompt(turn[0]);
                        long[] answer = prompter.answer(turn[1]);
                        if (b.length() > 0 && b.length() + newline.length + prompt.length + answer.length > config.maxTokens()) {
                            break;
                        }
                        if (b.length() > 0) {
                            b.append(newline, false);                 // ChatML ends every turn with a newline
                        }
                        b.turn(prompt, answer);
                    }
                    examples.add(b.build());
                }
            }
            DecoderConfig shape = DecoderConfig.qwen2(vocabulary.size(), config.hiddenSize(), config.intermediateSize(),
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
            Path modelDir = work.resolve("model");
            HfFolder.save(model, modelDir, tokenizerFile, ChatPrompter.CHATML_TEMPLATE, null, "<|im_end|>", DType.F32);
            AtomicFiles.deleteRecursively(tokenizerFile.getParent());
            Map<String, Object> metrics = new LinkedHashMap<>();
            metrics.put("vocabulary", vocabulary.size());
            metrics.put("parameters", model.parameterCount());
            metrics.put("training_conversations", examples.size());
            metrics.put("training_questions", train.size());
            metrics.put("training_users", train.stream().map(r -> r.sequence().user()).distinct().count());
            metrics.put("training_tokens", tokens[0]);
            metrics.put("final_loss", lastLoss[0]);
            metrics.put("final_answer_loss_avg", answerAverage[0]);
            return metrics;
        });
    }

    /** What the model is trained to answer: the gold letter, or the gold option's text ({@code file}: for errors). */
    static String answerText(ReleaseRow row, AnswerMode mode, Path file) {
        return mode == AnswerMode.LETTER ? row.chat().answer()
                : dev.uqabench.qa.OptionParser.goldText(row.chat().question(), row.chat().answer(),
                        file + " row " + row.index());
    }

    /** The saved model folder inside the stage folder. */
    public static Path modelDir(Path stageFolder) {
        return stageFolder.resolve("model");
    }

    /** Loads the saved model in float32 (frozen). */
    public static dev.uqabench.llm.LoadedModel load(Path stageFolder) {
        dev.uqabench.llm.LoadedModel model = HfFolder.load(modelDir(stageFolder), ComputeType.FP32);
        model.decoder().freeze();
        return model;
    }
}
