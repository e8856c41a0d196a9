package dev.uqabench.run;

import dev.uqabench.base.AtomicFiles;
import dev.uqabench.data.arrow.ReleaseReader;
import dev.uqabench.data.arrow.ReleaseRow;
import dev.uqabench.data.text.TokenizerEventText;
import dev.uqabench.llm.AnswerMode;
import dev.uqabench.llm.Decoder;
import dev.uqabench.llm.DecoderConfig;
import dev.uqabench.llm.TinyLlmConfig;
import dev.uqabench.llm.TinyLlmCorpus;
import dev.uqabench.llm.TinyLlmTrainer;
import dev.uqabench.qa.CachedEventText;
import dev.uqabench.qa.Nouns;
import dev.uqabench.qa.QuestionSet;
import dev.uqabench.tensor.NativeThreads;
import dev.uqabench.train.TrainingListener;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Training speed of the built-in tiny LLM on a finished run's own corpus: the quickstart's llm stage,
 * cut to a number of steps. Prints tokens/s, s/step and the answer loss at the end for the configured
 * compute path.
 *
 * <p>Usage: {@code java ... dev.uqabench.run.TinyLlmBenchmark RUN_DIR STEPS [THREADS [KEY=VALUE ...]]}, where RUN_DIR
 * holds a finished quickstart's {@code data/} and {@code qa/}; keys {@code learning_rate}, {@code batch_size},
 * {@code warmup_steps}, {@code answer_weight}, {@code precision}, {@code workers} override the quickstart's settings,
 * {@code seed} (42) the model's initialisation and batch order.
 * It trains on the whole corpus, as the stage does; the held-out measure is the answer loss on {@value #HELD_OUT}
 * conversations of the <em>alignment</em> users (whom the LLM never sees), made as the corpus makes them, each once
 * with no context and once with 20 events written out: printed every {@code STEPS/6} steps and at the end (a recipe's
 * quality, not only its speed). The answer loss with 20 events is what the text baselines need; the one with none
 * measures guessing from the question alone.
 */
public final class TinyLlmBenchmark {
    /** Alignment users' conversations on which the answer loss is measured. */
    static final int HELD_OUT = 300;

    private TinyLlmBenchmark() {
    }

    /** The run's corpus, built once and then read from {@code cache} (the benchmark times training, not tokenising). */
    private static TinyLlmCorpus.Encoded cachedCorpus(TinyLlmStage.Input in, Path qa, Path cache, Path tokenizer)
            throws Exception {
        if (Files.isRegularFile(cache) && Files.isRegularFile(tokenizer)) {
            try (ObjectInputStream o = new ObjectInputStream(new BufferedInputStream(Files.newInputStream(cache)))) {
                int vocabulary = o.readInt();
                long padId = o.readLong();
                long[][] ids = (long[][]) o.readObject();
                BitSet[] answers = (BitSet[]) o.readObject();
                List<TinyLlmTrainer.Example> examples = new ArrayList<>();
                for (int i = 0; i < ids.length; i++) examples.add(new TinyLlmTrainer.Example(ids[i], answers[i]));
                return new TinyLlmCorpus.Encoded(examples, vocabulary, padId);
            }
        }
        Path tmp = Files.createTempDirectory("tinyllm-bench");
        Path built = tmp.resolve("vocab").resolve("tokenizer.json");
        TinyLlmCorpus.Encoded encoded = TinyLlmStage.corpus(in, qa.resolve(QuestionSet.LLM.arrow()),
                qa.resolve(QuestionSet.ALIGNMENT.arrow()), built).encoded();
        Files.copy(built, tokenizer, StandardCopyOption.REPLACE_EXISTING);
        AtomicFiles.deleteRecursively(tmp);
        List<TinyLlmTrainer.Example> examples = encoded.examples();
        long[][] ids = new long[examples.size()][];
        BitSet[] answers = new BitSet[examples.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = examples.get(i).ids();
            answers[i] = examples.get(i).answerTokens();
        }
        try (ObjectOutputStream o = new ObjectOutputStream(new BufferedOutputStream(Files.newOutputStream(cache)))) {
            o.writeInt(encoded.vocabularySize());
            o.writeLong(encoded.padId());
            o.writeObject(ids);
            o.writeObject(answers);
        }
        return encoded;
    }

    /**
     * {@value #HELD_OUT} alignment conversations (a seeded draw), encoded with the corpus's tokenizer: element 0 with no
     * context, element 1 with 20 events written out.
     */
    private static List<List<TinyLlmTrainer.Example>> heldOut(TinyLlmStage.Input in, Path qa, Path tokenizer)
            throws Exception {
        TinyLlmConfig c = in.config();
        TinyLlmConfig twoContexts = new TinyLlmConfig(c.hiddenSize(), c.layers(), c.heads(), c.kvHeads(),
                c.intermediateSize(), c.steps(), c.batchSize(), c.learningRate(), c.warmupSteps(), c.answerWeight(),
                List.of(0, 20), c.maxTokens(), 0, c.batching(), c.precision(), c.workers());
        Path file = qa.resolve(QuestionSet.ALIGNMENT.arrow());
        List<ReleaseRow> rows = ReleaseReader.open(file).readAll();
        try (TokenizerEventText decoder = TokenizerEventText.open(
                in.featureTokenizer())) {
            List<TinyLlmTrainer.Example> both = TinyLlmCorpus.encodeWith(new TinyLlmCorpus.Input(rows, file, List.of(),
                    null, new CachedEventText(decoder, 1 << 16), in.lang(),
                    Nouns.ofDataFolder(in.dataFolder())), twoContexts, in.answerMode(), 7, tokenizer);
            List<Integer> pick = new ArrayList<>();
            for (int i = 0; i < both.size() / 2; i++) pick.add(i);
            Collections.shuffle(pick, new Random(7));
            List<TinyLlmTrainer.Example> none = new ArrayList<>();
            List<TinyLlmTrainer.Example> twenty = new ArrayList<>();
            for (int i : pick.subList(0, Math.min(HELD_OUT, pick.size()))) {
                none.add(both.get(2 * i));
                twenty.add(both.get(2 * i + 1));
            }
            return List.of(none, twenty);
        }
    }

    private static String heldOutLosses(Decoder model, TinyLlmConfig cfg, List<List<TinyLlmTrainer.Example>> heldOut,
                                        long padId) {
        return String.format(java.util.Locale.ROOT, "held-out answer loss: 20 events %.4f, no context %.4f",
                TinyLlmTrainer.answerLoss(model, cfg, heldOut.get(1), padId),
                TinyLlmTrainer.answerLoss(model, cfg, heldOut.get(0), padId));
    }

    public static void main(String[] args) throws Exception {
        Path runDir = Path.of(args[0]);
        int steps = Integer.parseInt(args[1]);
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        NativeThreads.setIntraOpThreads(threads);
        int blasThreads = 1;
        long seed = 42;
        Path data = runDir.resolve("data");
        Path qa = runDir.resolve("qa");
        TinyLlmConfig base = TinyLlmConfig.quickstart();
        for (int i = 3; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            TinyLlmConfig b = base;
            base = switch (kv[0]) {
                case "learning_rate" -> new TinyLlmConfig(b.hiddenSize(), b.layers(), b.heads(), b.kvHeads(),
                        b.intermediateSize(), b.steps(), b.batchSize(), Double.parseDouble(kv[1]), b.warmupSteps(),
                        b.answerWeight(), b.contextLengths(), b.maxTokens(), b.drills(), b.batching(), b.precision(), b.workers());
                case "batch_size" -> new TinyLlmConfig(b.hiddenSize(), b.layers(), b.heads(), b.kvHeads(),
                        b.intermediateSize(), b.steps(), Integer.parseInt(kv[1]), b.learningRate(), b.warmupSteps(),
                        b.answerWeight(), b.contextLengths(), b.maxTokens(), b.drills(), b.batching(), b.precision(), b.workers());
                case "warmup_steps" -> new TinyLlmConfig(b.hiddenSize(), b.layers(), b.heads(), b.kvHeads(),
                        b.intermediateSize(), b.steps(), b.batchSize(), b.learningRate(), Integer.parseInt(kv[1]),
                        b.answerWeight(), b.contextLengths(), b.maxTokens(), b.drills(), b.batching(), b.precision(), b.workers());
                case "answer_weight" -> new TinyLlmConfig(b.hiddenSize(), b.layers(), b.heads(), b.kvHeads(),
                        b.intermediateSize(), b.steps(), b.batchSize(), b.learningRate(), b.warmupSteps(),
                        Double.parseDouble(kv[1]), b.contextLengths(), b.maxTokens(), b.drills(), b.batching(),
                        b.precision(), b.workers());
                case "blas_threads" -> {
                    blasThreads = Integer.parseInt(kv[1]);
                    yield b;
                }
                case "precision" -> b.withPrecision(dev.uqabench.tensor.Precision.valueOf(
                        kv[1].toUpperCase(java.util.Locale.ROOT)));
                case "workers" -> b.withWorkers(Integer.parseInt(kv[1]));
                case "seed" -> {                                  // the model's initialisation and batch order
                    seed = Long.parseLong(kv[1]);
                    yield b;
                }
                default -> throw new IllegalArgumentException("unknown key " + kv[0]
                        + " (learning_rate, batch_size, warmup_steps, answer_weight, precision, workers, blas_threads, seed)");
            };
        }
        NativeThreads.setBlasThreads(blasThreads);
        TinyLlmStage.Input in = new TinyLlmStage.Input(data, qa, new Sources(null, null, null, null).featureTokenizerFile(data),
                base, AnswerMode.OPTION_TEXT, "en", 42);
        long t0 = System.nanoTime();
        Path tokenizer = runDir.resolve("tiny-llm-benchmark-tokenizer.json");
        TinyLlmCorpus.Encoded encoded = cachedCorpus(in, qa, runDir.resolve("tiny-llm-benchmark-corpus.bin"), tokenizer);
        double corpusSeconds = (System.nanoTime() - t0) / 1e9;
        List<TinyLlmTrainer.Example> examples = encoded.examples();
        List<List<TinyLlmTrainer.Example>> heldOut = heldOut(in, qa, tokenizer);
        long totalTokens = 0;
        for (TinyLlmTrainer.Example e : examples) totalTokens += Math.min(e.ids().length, base.maxTokens());
        System.out.printf("corpus: %d conversations, %.1f tokens on average, vocabulary %d, built in %.1f s; held out: "
                        + "%d alignment conversations%n", examples.size(), totalTokens / (double) examples.size(),
                encoded.vocabularySize(), corpusSeconds, heldOut.get(0).size());
        DecoderConfig shape = DecoderConfig.qwen2(encoded.vocabularySize(), base.hiddenSize(), base.intermediateSize(),
                base.layers(), base.heads(), base.kvHeads(), Math.max(base.maxTokens() + 64, 1024), true);
        Decoder model = Decoder.create(shape, seed);
        List<double[]> seen = new ArrayList<>();
        long[] tokens = {0};
        long[] start = {0};
        long[] cpuStart = {0};
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        double[] answerAvg = {Double.NaN};
        int warmup = 3;
        TinyLlmConfig cfg = base.withSteps(steps);
        int every = Math.max(1, steps / 6);
        double[] evalSeconds = {0};
        double[] evalCpuSeconds = {0};
        TinyLlmTrainer.train(model, cfg, examples, encoded.padId(), seed, TrainingListener.onSteps(step -> {
            if (step.step() == warmup) {
                start[0] = System.nanoTime();
                cpuStart[0] = os.getProcessCpuTime();
                tokens[0] = 0;
            } else if (step.step() > warmup) {
                tokens[0] += step.units();
            }
            double a = step.metrics().get(TinyLlmTrainer.ANSWER_LOSS);
            answerAvg[0] = Double.isNaN(answerAvg[0]) ? a : 0.95 * answerAvg[0] + 0.05 * a;
            if (step.step() % every == 0 && step.step() < steps) {
                long e0 = System.nanoTime();
                long c0 = os.getProcessCpuTime();
                System.out.printf("step %d: %s%n", step.step(), heldOutLosses(model, cfg, heldOut, encoded.padId()));
                if (step.step() >= warmup) {                           // inside the timed steps: not training time
                    evalSeconds[0] += (System.nanoTime() - e0) / 1e9;
                    evalCpuSeconds[0] += (os.getProcessCpuTime() - c0) / 1e9;
                }
            }
        }));
        double seconds = (System.nanoTime() - start[0]) / 1e9 - evalSeconds[0];
        double cpuSeconds = (os.getProcessCpuTime() - cpuStart[0]) / 1e9 - evalCpuSeconds[0];
        System.out.printf("| %d steps | %.0f tokens/s | %.3f s/step | %.3f CPU s/step | answer loss avg %.4f | threads %d, BLAS threads %d | load %s |%n",
                steps - warmup, tokens[0] / seconds, seconds / (steps - warmup), cpuSeconds / (steps - warmup), answerAvg[0], threads, blasThreads,
                Files.readString(Path.of("/proc/loadavg")).trim());
        System.out.printf("after %d steps (%s): %s%n", steps, cfg, heldOutLosses(model, cfg, heldOut, encoded.padId()));
    }
}
