package dev.uqabench.llm;

import dev.uqabench.train.TrainingListener;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;

/**
 * A throwaway probe (not built by Maven) behind bench/perf/README.md, thirteenth session: the quickstart's tiny LLM
 * step on the shapes of {@code bench/peer/tiny_llm_probe.py} (random ids, 8 rows of LENGTH tokens, a random 10 % of them
 * answer tokens, no padding), so that ours and PyTorch's eager step can be timed side by side. One worker, one thread,
 * float32, as the quickstart's recipe otherwise. Prints tokens/s of STEPS steps after 3 warm-up steps.
 *
 * <pre>  mvn -q -o package -DskipTests && javac -d /tmp/probe -cp "target/classes:target/lib/*" bench/perf/probes/TinyStepProbe.java
 *   OMP_WAIT_POLICY=PASSIVE java --add-opens=java.base/java.nio=ALL-UNNAMED -cp "/tmp/probe:target/classes:target/lib/*" \
 *       dev.uqabench.llm.TinyStepProbe 40 192</pre>
 */
public class TinyStepProbe {
    public static void main(String[] a) {
        dev.uqabench.tensor.NativeThreads.setIntraOpThreads(1);
        int steps = Integer.parseInt(a[0]);
        int length = Integer.parseInt(a[1]);
        int vocab = 892;
        Random random = new Random(7);
        List<TinyLlmTrainer.Example> examples = new ArrayList<>();
        for (int i = 0; i < 4096; i++) {
            long[] ids = new long[length + 1];
            BitSet answers = new BitSet();
            for (int t = 0; t <= length; t++) {
                ids[t] = 1 + random.nextInt(vocab - 1);           // 0 stays the padding id
                if (t > 0 && random.nextDouble() < 0.1) answers.set(t);
            }
            examples.add(new TinyLlmTrainer.Example(ids, answers));
        }
        TinyLlmConfig cfg = TinyLlmConfig.quickstart().withSteps(steps + 3).withWorkers(1);
        DecoderConfig shape = DecoderConfig.qwen2(vocab, cfg.hiddenSize(), cfg.intermediateSize(), cfg.layers(),
                cfg.heads(), cfg.kvHeads(), 1024, true);
        Decoder model = Decoder.create(shape, 42);
        long[] start = {0};
        long[] tokens = {0};
        TinyLlmTrainer.train(model, cfg, examples, 0, 42, TrainingListener.onSteps(step -> {
            if (step.step() == 3) start[0] = System.nanoTime();
            else if (step.step() > 3) tokens[0] += step.units();
        }));
        double seconds = (System.nanoTime() - start[0]) / 1e9;
        System.out.printf("{\"steps\": %d, \"length\": %d, \"tokens_per_s\": %.1f}%n", steps, length, tokens[0] / seconds);
    }
}
