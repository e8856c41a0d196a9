package dev.uqabench.llm;

import dev.uqabench.tensor.CpuFeatures;
import org.bytedeco.pytorch.global.torch.ScalarType;

import dev.uqabench.tensor.DType;
import dev.uqabench.tensor.NativeThreads;
import dev.uqabench.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Opt-in speed/memory benchmark on a random-weight model with Qwen2.5-0.5B's shape (24 layers, hidden
 * 896, 14 heads, 2 KV heads, FFN 4864, vocab 151,936, tied head) saved as BF16 safetensors.
 *
 * <pre>
 *   java ... dev.uqabench.llm.LlmBenchmark make DIR            # writes the checkpoint (one JVM)
 *   java ... dev.uqabench.llm.LlmBenchmark run DIR bf16|fp32 OUT [BLAS_THREADS=1]   # fresh JVM, appends to OUT
 * </pre>
 * Figures: prefill tokens/s at 128 and 512 tokens, decode tokens/s, achieved GFLOP/s, resident memory
 * after load and after the first forward vs the checkpoint size, one forward+backward to a soft prompt
 * at 128 tokens.
 */
public final class LlmBenchmark {
    private LlmBenchmark() {}

    static DecoderConfig qwen25HalfBillionShape() {
        return new DecoderConfig("qwen2", 151936, 896, 4864, 24, 14, 2, null, 32768, 1000000.0, null, 1e-6, true,
                null, null, null, "silu", 0.02, null, null);
    }

    public static void main(String[] args) throws IOException {
        Locale.setDefault(Locale.ROOT);
        if (args.length >= 2 && args[0].equals("make")) {
            make(Path.of(args[1]));
        } else if (args.length >= 4 && args[0].equals("run")) {
            int blasThreads = args.length >= 5 ? Integer.parseInt(args[4]) : 1;
            NativeThreads.setBlasThreads(blasThreads);
            System.setProperty("blas.threads", String.valueOf(blasThreads));
            run(Path.of(args[1]), ComputeType.parse(args[2]), Path.of(args[3]));
        } else {
            System.err.println("usage: LlmBenchmark make DIR | run DIR bf16|fp32 OUT");
            System.exit(2);
        }
    }

    private static void make(Path dir) {
        try (PointerScope scope = new PointerScope()) {
            Decoder d = Decoder.create(qwen25HalfBillionShape(), 1);
            HfFolder.save(d, dir, Path.of("src", "test", "resources", "llm", "tiny-tokenizer.json"), null, null,
                    "<|im_end|>", DType.BF16);
            System.out.printf("saved %s: %.1f M parameters, %.1f MB%n", dir, d.parameterCount() / 1e6,
                    HfFolder.weightBytes(dir) / 1e6);
        }
    }

    private static void run(Path dir, ComputeType type, Path out) throws IOException {
        List<String> lines = new ArrayList<>();
        long checkpoint = HfFolder.weightBytes(dir);
        long rssBefore = rssBytes();
        long start = System.nanoTime();
        Decoder d = HfFolder.loadDecoder(dir, type);
        double loadSeconds = (System.nanoTime() - start) / 1e9;
        long rssLoaded = rssBytes();
        DecoderConfig c = d.config();
        lines.add(String.format("## %s compute, %d OpenMP threads, BLAS threads %s, load average %s (checkpoint %.1f MB BF16)",
                type, torch.get_num_threads(), System.getProperty("blas.threads", "1"), loadAverage(), checkpoint / 1e6));
        lines.add(String.format("paths: attention in %s; one-row products %s; CPU: %s", d.attentionType(),
                d.computeType() == ScalarType.Float ? "matrix-vector (sgemv)" : "as every product (bf16 linear)",
                CpuFeatures.describe()));
        lines.add(String.format("load: %.2f s; RSS before %.0f MB, after load %.0f MB (+%.0f MB = %.2f x checkpoint)",
                loadSeconds, rssBefore / 1e6, rssLoaded / 1e6, (rssLoaded - rssBefore) / 1e6,
                (rssLoaded - rssBefore) / (double) checkpoint));
        Random random = new Random(3);
        try (NoGradGuard noGrad = new NoGradGuard()) {
            for (int length : new int[] {128, 512}) {
                long[] ids = randomIds(random, length, c.vocabSize());
                double seconds = timePrefill(d, ids, 1);                                // warm-up (pages in weights)
                if (length == 128) {
                    long rss = rssBytes();
                    lines.add(String.format("RSS after first forward %.0f MB (+%.0f MB = %.2f x checkpoint; file-backed %.0f MB, anonymous %.0f MB)",
                            rss / 1e6, (rss - rssBefore) / 1e6, (rss - rssBefore) / (double) checkpoint,
                            statusBytes("RssFile:") / 1e6, statusBytes("RssAnon:") / 1e6));
                }
                int repeats = length == 128 ? 3 : 2;
                seconds = timePrefill(d, ids, repeats);
                double flops = prefillFlops(c, length);
                lines.add(String.format("prefill %d tokens: %.3f s, %.0f tokens/s, %.1f GFLOP/s (%.1f GFLOP per pass)",
                        length, seconds, length / seconds, flops / seconds / 1e9, flops / 1e9));
            }
            int steps = 32;
            long[] prompt = randomIds(random, 128, c.vocabSize());
            long t0 = System.nanoTime();
            Generation.generate(d, List.of(prompt), Generation.Settings.greedy(1, List.of()));
            double prefill = (System.nanoTime() - t0) / 1e9;
            t0 = System.nanoTime();
            long[] generated = Generation.generate(d, List.of(prompt), Generation.Settings.greedy(steps + 1, List.of())).get(0);
            double total = (System.nanoTime() - t0) / 1e9;
            double decode = (total - prefill) / (generated.length - 1);
            lines.add(String.format("decode after 128-token prompt: %.1f ms/token, %.1f tokens/s (%d tokens)",
                    decode * 1e3, 1 / decode, generated.length - 1));
        }
        double backward = timeSoftPromptBackward(d, random, 128, 4);
        lines.add(String.format("forward+backward to a 4-vector soft prompt at 128 tokens: %.3f s", backward));
        lines.add(sharedPrefixLine(d, random, 300, 60, 6));
        lines.add("");
        for (String l : lines) System.out.println(l);
        Files.write(out, lines, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    }

    /**
     * A text baseline's questions about one user, answered by their next token: {@code questions} prompts of a
     * {@code history}-token history followed by a {@code question}-token question, as one batch of whole prompts
     * against the history run once ({@link OptionScorer#greedyNextToken(Decoder, Tensor, List)}), each timed after a
     * warm-up; the answers must agree.
     */
    private static String sharedPrefixLine(Decoder d, Random random, int history, int question, int questions) {
        long[] prefix = randomIds(random, history, d.config().vocabSize());
        long[][] whole = new long[questions][];
        List<long[]> rests = new ArrayList<>();
        for (int q = 0; q < questions; q++) {
            long[] rest = randomIds(random, question, d.config().vocabSize());
            rests.add(rest);
            whole[q] = java.util.Arrays.copyOf(prefix, history + question);
            System.arraycopy(rest, 0, whole[q], history, question);
        }
        double[] seconds = new double[2];
        long[][] answers = new long[2][];
        try (NoGradGuard noGrad = new NoGradGuard()) {
            for (int round = 0; round < 2; round++) {
                for (int shared = 0; shared < 2; shared++) {
                    try (PointerScope scope = new PointerScope()) {
                        long start = System.nanoTime();
                        if (shared == 0) {
                            answers[0] = OptionScorer.greedyNextToken(d, d.embed(Tensors.fromLongs(whole)), (Tensor) null);
                        } else {
                            List<Tensor> own = new ArrayList<>();
                            for (long[] rest : rests) own.add(d.embed(Tensors.fromLongs(rest, rest.length)));
                            answers[1] = OptionScorer.greedyNextToken(d, d.embed(Tensors.fromLongs(prefix, history)), own);
                        }
                        seconds[shared] = (System.nanoTime() - start) / 1e9;
                    }
                }
            }
        }
        return String.format("%d questions of %d + %d tokens, next token: whole prompts %.3f s, history once %.3f s "
                        + "(%.2fx); same answers: %s", questions, history, question, seconds[0], seconds[1],
                seconds[0] / seconds[1], java.util.Arrays.equals(answers[0], answers[1]));
    }

    private static double timePrefill(Decoder d, long[] ids, int repeats) {
        long start = System.nanoTime();
        for (int r = 0; r < repeats; r++) {
            try (PointerScope scope = new PointerScope()) {
                Tensor hidden = d.hidden(d.embed(Tensors.fromLongs(new long[][] {ids})), null);
                d.logits(hidden.select(1, ids.length - 1)).argmax(new LongOptional(1), false).item_long();
            }
        }
        return (System.nanoTime() - start) / 1e9 / repeats;
    }

    /** 2 FLOPs per multiply-add: every projection for T tokens, QK^T and AV over T x T, one vocab row. */
    static double prefillFlops(DecoderConfig c, int t) {
        double h = c.hiddenSize(), q = c.numberOfHeads() * (double) c.headDim(), kv = c.numberOfKeyValueHeads() * (double) c.headDim();
        double perTokenLayer = h * q + 2 * h * kv + q * h + 3 * h * c.intermediateSize();
        double attention = 2.0 * t * t * q;
        return c.numberOfLayers() * (2 * t * perTokenLayer + 2 * attention) + 2 * h * c.vocabSize();
    }

    private static double timeSoftPromptBackward(Decoder d, Random random, int length, int k) {
        try (PointerScope scope = new PointerScope()) {
            float[] init = new float[k * d.config().hiddenSize()];
            for (int i = 0; i < init.length; i++) init[i] = (float) (random.nextGaussian() * 0.02);
            Tensor soft = Tensors.fromFloats(init, k, d.config().hiddenSize()).set_requires_grad(true);
            long[] ids = randomIds(random, length - k, d.config().vocabSize());
            long start = System.nanoTime();
            Tensor embeds = torch.cat(new TensorVector(soft.to(d.computeType()),
                    d.embed(Tensors.fromLongs(ids, ids.length))), 0).unsqueeze(0);
            Tensor hidden = d.hidden(embeds, null);
            Tensor logits = d.logits(hidden.select(1, length - 1));                               // [1, V]
            Tensor loss = logits.log_softmax(-1).select(1, 6).neg().sum();
            loss.backward();
            double seconds = (System.nanoTime() - start) / 1e9;
            if (!soft.grad().defined() || soft.grad().abs().sum().item_float() == 0) {
                throw new IllegalStateException("no gradient reached the soft prompt");
            }
            return seconds;
        }
    }

    private static long[] randomIds(Random random, int n, int vocab) {
        long[] ids = new long[n];
        for (int i = 0; i < n; i++) ids[i] = random.nextInt(vocab);
        return ids;
    }

    static long rssBytes() {
        return statusBytes("VmRSS:");
    }

    static long statusBytes(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(key)) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        } catch (IOException e) {
            return -1;
        }
        return -1;
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "?";
        }
    }

}
