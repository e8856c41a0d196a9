package dev.uqabench.llm;

import dev.uqabench.train.TrainingListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Manual probe: can the built-in tiny LLM's architecture learn to answer a 4-option question with
 * the option's letter (the reference's greedy one-token answer)? Token-level drills, no tokenizer:
 * {@code Q [context names] ? A . n1 B . n2 C . n3 D . n4 ANSWER -> letter}. With context 0 the gold
 * name is written in the question ("which option is X?"); with context c > 0 it is hidden among c
 * names before the question ("which option appears above?"). Prints the smoothed answer loss
 * (chance is ln 4 = 1.386).
 *
 * <pre>java --add-opens=java.base/java.nio=ALL-UNNAMED -cp target/classes:target/test-classes:CP \
 *   dev.uqabench.llm.LetterBindingProbe STEPS BATCH NAMES LAYERS LR CONTEXTS   (e.g. 3000 32 100 2 1e-3 0,1,3,5)</pre>
 *
 * Measured 2026-11-28 (2 cores, hidden 128): context 0 leaves chance at ~1,000 steps and reaches 0.002
 * by 2,400; context 5 stays at chance for 3,000 steps; mixed 0,1,3,5 leaves chance at ~1,800 steps
 * and is at 0.84 by 3,000.
 */
public final class LetterBindingProbe {

    private static final long QUESTION = 8;
    private static final long MARK = 1;
    private static final long NEWLINE = 7;
    private static final long DOT = 6;
    private static final long ANSWER = 9;
    private static final long FIRST_LETTER = 2;
    private static final int FIRST_NAME = 10;

    public static void main(String[] args) {
        int steps = Integer.parseInt(args[0]);
        int batch = Integer.parseInt(args[1]);
        int names = Integer.parseInt(args[2]);
        int layers = Integer.parseInt(args[3]);
        double lr = Double.parseDouble(args[4]);
        String[] contexts = args[5].split(",");
        Random rng = new Random(1);
        List<TinyLlmTrainer.Example> examples = new ArrayList<>();
        for (int i = 0; i < 20000; i++) {
            List<Integer> options = new ArrayList<>();
            while (options.size() < 4) {
                int n = FIRST_NAME + rng.nextInt(names);
                if (!options.contains(n)) {
                    options.add(n);
                }
            }
            int gold = rng.nextInt(4);
            int context = Integer.parseInt(contexts[rng.nextInt(contexts.length)]);
            List<Long> prompt = new ArrayList<>(List.of(QUESTION));
            if (context == 0) {
                prompt.add((long) options.get(gold));
            } else {
                List<Integer> shown = new ArrayList<>();
                while (shown.size() < context - 1) {
                    int n = FIRST_NAME + rng.nextInt(names);
                    if (!options.contains(n)) {
                        shown.add(n);
                    }
                }
                shown.add(rng.nextInt(shown.size() + 1), options.get(gold));
                for (int n : shown) {
                    prompt.add((long) n);
                    prompt.add(NEWLINE);
                }
            }
            prompt.add(MARK);
            prompt.add(NEWLINE);
            for (int k = 0; k < 4; k++) {
                prompt.addAll(List.of(FIRST_LETTER + k, DOT, (long) options.get(k), NEWLINE));
            }
            prompt.add(ANSWER);
            examples.add(TinyLlmTrainer.Example.of(prompt.stream().mapToLong(Long::longValue).toArray(),
                    new long[] {FIRST_LETTER + gold}));
        }
        Decoder model = Decoder.create(DecoderConfig.qwen2(FIRST_NAME + names, 128, 256, layers, 8, 4, 1024, true), 7);
        TinyLlmConfig config = new TinyLlmConfig(128, layers, 8, 4, 256, steps, batch, lr, 20, 10.0, List.of(0), 512, 0,
                TinyLlmConfig.Batching.RANDOM);
        double[] average = {Double.NaN};
        long start = System.nanoTime();
        TinyLlmTrainer.train(model, config, examples, 0, 3, TrainingListener.onSteps(step -> {
            double answerLoss = step.metrics().get(TinyLlmTrainer.ANSWER_LOSS);
            average[0] = Double.isNaN(average[0]) ? answerLoss : 0.9 * average[0] + 0.1 * answerLoss;
            if (step.step() % 100 == 0) {
                System.out.printf("step %d answer loss %.3f (chance %.3f) %.0f s%n", step.step(), average[0], Math.log(4),
                        (System.nanoTime() - start) / 1e9);
            }
        }));
    }
}
