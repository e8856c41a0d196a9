package dev.uqabench.llm;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.AdamW;
import org.bytedeco.pytorch.AdamWOptions;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * Trains a decoder from random weights on chat examples: next-token loss on every token, with
 * the answer tokens weighted up (they are what the benchmark asks of the model). AdamW with
 * linear warm-up then cosine decay, gradient clipping at 1.
 */
public final class TinyLlmTrainer {

    /** One training sequence: the rendered prompt (up to the generation prompt) and the answer tokens. */
    public record Example(long[] prompt, long[] answer) {
    }

    /** Called after each step. */
    @FunctionalInterface
    public interface Listener {
        void onStep(int step, int totalSteps, double loss, long tokens);
    }

    private TinyLlmTrainer() {
    }

    public static void train(Decoder model, TinyLlmConfig cfg, List<Example> examples, long padId, long seed,
                             Listener listener) {
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("no training examples for the tiny LLM");
        }
        Random rng = new Random(seed);
        TensorVector parameters = new TensorVector();
        for (Tensor p : model.trainableParameters()) {
            parameters.push_back(p);
        }
        AdamW optimizer = new AdamW(parameters, new AdamWOptions(cfg.learningRate()));
        model.train(true);
        for (int step = 0; step < cfg.steps(); step++) {
            double lr = cfg.learningRate() * schedule(step, cfg.warmupSteps(), cfg.steps());
            optimizer.param_groups().get(0).options().set_lr(lr);
            List<Example> batch = new ArrayList<>(cfg.batchSize());
            for (int i = 0; i < cfg.batchSize(); i++) {
                batch.add(examples.get(rng.nextInt(examples.size())));
            }
            try (PointerScope scope = new PointerScope()) {
                Batch b = Batch.of(batch, cfg.maxTokens(), cfg.answerWeight(), padId);
                Tensor logits = model.forward(model.embed(b.inputs().ids()), b.inputs().mask());
                Tensor loss = LanguageModelLoss.weighted(logits, b.targets(), b.weights());
                optimizer.zero_grad();
                loss.backward();
                torch.clip_grad_norm_(parameters, 1.0);
                optimizer.step();
                listener.onStep(step + 1, cfg.steps(), loss.item_double(), b.tokens());
            }
        }
        model.train(false);
    }

    /** Linear warm-up to 1, then cosine decay to 0.1. */
    static double schedule(int step, int warmup, int total) {
        if (step < warmup) {
            return (step + 1.0) / warmup;
        }
        double progress = (step - warmup) / (double) Math.max(1, total - warmup);
        return 0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * progress));
    }

    /** Inputs are the sequence without its last token; targets are it shifted by one. */
    private record Batch(PaddedPrompts inputs, Tensor targets, Tensor weights, long tokens) {

        static Batch of(List<Example> examples, int maxTokens, double answerWeight, long padId) {
            List<long[]> inputs = new ArrayList<>();
            List<long[]> targets = new ArrayList<>();
            List<double[]> weights = new ArrayList<>();
            long tokens = 0;
            for (Example e : examples) {
                long[] seq = concat(e.prompt(), e.answer());
                int drop = Math.max(0, seq.length - maxTokens);           // keep the end: the answer matters
                int n = seq.length - drop - 1;
                long[] in = new long[n];
                long[] tgt = new long[n];
                double[] w = new double[n];
                for (int t = 0; t < n; t++) {
                    in[t] = seq[drop + t];
                    tgt[t] = seq[drop + t + 1];
                    w[t] = drop + t + 1 >= e.prompt().length ? answerWeight : 1.0;
                }
                inputs.add(in);
                targets.add(tgt);
                weights.add(w);
                tokens += n;
            }
            PaddedPrompts padded = PaddedPrompts.of(inputs, padId);
            int batch = examples.size();
            int time = padded.maxLength();
            long[] tgtFlat = new long[batch * time];
            float[] wFlat = new float[batch * time];
            for (int b = 0; b < batch; b++) {
                long[] tgt = targets.get(b);
                double[] w = weights.get(b);
                for (int t = 0; t < tgt.length; t++) {
                    tgtFlat[b * time + t] = tgt[t];
                    wFlat[b * time + t] = (float) w[t];
                }
            }
            return new Batch(padded, Tensor.create(tgtFlat, batch, time), Tensor.create(wFlat, batch, time), tokens);
        }

        private static long[] concat(long[] a, long[] b) {
            long[] out = new long[a.length + b.length];
            System.arraycopy(a, 0, out, 0, a.length);
            System.arraycopy(b, 0, out, a.length, b.length);
            return out;
        }
    }
}
