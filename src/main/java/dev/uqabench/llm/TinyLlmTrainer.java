package dev.uqabench.llm;

import dev.uqabench.tensor.Autocast;
import dev.uqabench.train.TrainingListener;
import dev.uqabench.train.TrainingRun;
import dev.uqabench.train.WarmupSchedule;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.AdamW;
import org.bytedeco.pytorch.AdamWOptions;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;

/**
 * Trains a decoder from random weights on chat examples: next-token loss on every token, with
 * the answer tokens weighted up (they are what the benchmark asks of the model). AdamW with
 * linear warm-up then cosine decay, gradient clipping at 1.
 *
 * <p>With {@link TinyLlmConfig#workers()} above 1 each batch is cut into that many slices of consecutive
 * conversations, one per worker thread; a worker runs its slice's forward pass, padded to the slice's own longest
 * conversation, and its share of the batch's weighted mean ({@code sum(w * -log p) / W}, {@code W} the whole batch's
 * weight), then {@code torch::autograd::grad} of that share into its own gradient buffers. The step's gradient is the
 * shares summed in worker order: data parallelism inside one process, the same result whichever thread finishes first.
 */
public final class TinyLlmTrainer {

    /** The key of a step event's loss on the answer tokens alone (unweighted). */
    public static final String ANSWER_LOSS = "answer_loss";

    /**
     * One training sequence: token ids and which of them are answer tokens (weighted up in the loss).
     * A sequence may hold several question-answer turns about the same user.
     */
    public record Example(long[] ids, java.util.BitSet answerTokens) {

        /** A single turn: the prompt up to the generation prompt, then the answer. */
        public static Example of(long[] prompt, long[] answer) {
            return new Builder().turn(prompt, answer).build();
        }

        /** Concatenates turns, marking each turn's answer tokens. */
        public static final class Builder {
            private final java.util.List<long[]> parts = new java.util.ArrayList<>();
            private final java.util.BitSet answers = new java.util.BitSet();
            private int length;

            public Builder turn(long[] prompt, long[] answer) {
                return append(prompt, false).append(answer, true);
            }

            public Builder append(long[] ids, boolean answer) {
                parts.add(ids);
                if (answer) {
                    answers.set(length, length + ids.length);
                }
                length += ids.length;
                return this;
            }

            public int length() {
                return length;
            }

            public Example build() {
                long[] ids = new long[length];
                int at = 0;
                for (long[] p : parts) {
                    System.arraycopy(p, 0, ids, at, p.length);
                    at += p.length;
                }
                return new Example(ids, (java.util.BitSet) answers.clone());
            }
        }
    }

    private TinyLlmTrainer() {
    }

    public static void train(Decoder model, TinyLlmConfig cfg, List<Example> examples, long padId, long seed,
                             TrainingListener listener) {
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("no training examples for the tiny LLM");
        }
        Random rng = new Random(seed);
        TensorVector parameters = new TensorVector();
        for (Tensor p : model.trainableParameters()) {
            parameters.push_back(p);
        }
        AdamW optimizer = new AdamW(parameters, new AdamWOptions(cfg.learningRate()));
        // linear warm-up, then cosine decay from the peak to 10 % of it
        WarmupSchedule schedule = WarmupSchedule.builder().setSteps(cfg.warmupSteps(), cfg.steps()).optFloor(0.1)
                .optFirstDecayStepAtPeak(true).optRounding(WarmupSchedule.Rounding.FRACTION_OF_PEAK).build();
        TrainingRun run = TrainingRun.builder().setStage("llm").setTotalSteps(cfg.steps()).optUnit("tokens")
                .optDivergenceHint("lower the tiny LLM's learning rate").optListener(listener).build();
        Batches batches = new Batches(examples, cfg, rng);
        model.train(true);
        try (SharedBatches shared = cfg.workers() > 1 ? new SharedBatches(model, parameters, cfg, padId) : null) {
            for (int step = 1; step <= cfg.steps(); step++) {
                double lr = schedule.learningRate(cfg.learningRate(), step);
                optimizer.param_groups().get(0).options().set_lr(lr);
                List<Example> batch = batches.next();
                try (PointerScope scope = new PointerScope()) {
                    StepLoss loss = shared == null ? wholeBatch(model, cfg, batch, padId) : shared.slices(batch);
                    run.checkLoss(loss.value(), step, lr);
                    optimizer.zero_grad();
                    loss.writeGradients().run();
                    run.clip(parameters, 1.0, step, lr);
                    optimizer.step();
                    run.stepDone(step, 1, loss.value(), lr, loss.tokens(), Map.of(ANSWER_LOSS, loss.answerLoss()));
                }
            }
        }
        model.train(false);
    }

    /**
     * A step's weighted loss, its loss on the answer tokens alone, the tokens it read, and what puts its gradients
     * into the parameters' {@code grad} (after they were cleared).
     */
    record StepLoss(double value, double answerLoss, long tokens, Runnable writeGradients) {
    }

    /** The whole batch on the calling thread: one forward pass, {@code backward()} writes the gradients. */
    private static StepLoss wholeBatch(Decoder model, TinyLlmConfig cfg, List<Example> batch, long padId) {
        Batch b = Batch.of(batch, cfg.maxTokens(), cfg.answerWeight(), padId);
        Tensor picked;
        Tensor loss;
        // forward pass and loss under the configured precision; backward() follows the graph's dtypes
        try (Autocast autocast = Autocast.open(cfg.precision())) {
            Tensor logits = model.forward(model.embed(b.inputs().ids()), b.inputs().mask());
            picked = LanguageModelLoss.targetLogProbs(logits, b.targets());
            loss = LanguageModelLoss.weightedMean(picked, b.weights());
        }
        double answerLoss;
        try (org.bytedeco.pytorch.NoGradGuard noGrad = new org.bytedeco.pytorch.NoGradGuard()) {
            answerLoss = LanguageModelLoss.weightedMean(picked.detach(), b.answerMask()).item_double();
        }
        return new StepLoss(loss.item_double(), answerLoss, b.tokens(), loss::backward);
    }

    /**
     * The mean loss on the answer tokens of {@code examples} (each answer token counts once), without
     * gradients: a held-out measure of what the model learned to answer.
     */
    public static double answerLoss(Decoder model, TinyLlmConfig cfg, List<Example> examples, long padId) {
        boolean training = model.is_training();
        model.train(false);
        double sum = 0;
        double count = 0;
        try (org.bytedeco.pytorch.NoGradGuard noGrad = new org.bytedeco.pytorch.NoGradGuard()) {
            for (int from = 0; from < examples.size(); from += cfg.batchSize()) {
                try (PointerScope scope = new PointerScope()) {
                    Batch b = Batch.of(examples.subList(from, Math.min(examples.size(), from + cfg.batchSize())),
                            cfg.maxTokens(), cfg.answerWeight(), padId);
                    Tensor logits = model.forward(model.embed(b.inputs().ids()), b.inputs().mask());
                    Tensor picked = LanguageModelLoss.targetLogProbs(logits, b.targets());
                    sum -= picked.mul(b.answerMask().reshape(-1)).sum().item_double();
                    count += b.answerMask().sum().item_double();
                }
            }
        } finally {
            model.train(training);
        }
        return sum / count;
    }

    /** Batches drawn together and sorted by length when {@link TinyLlmConfig.Batching#BY_LENGTH}. */
    public static final int LENGTH_GROUP = 32;

    /** The batches of a run, drawn with replacement from the examples by one seeded generator. */
    static final class Batches {
        private final List<Example> examples;
        private final TinyLlmConfig cfg;
        private final Random rng;
        private final java.util.ArrayDeque<List<Example>> queued = new java.util.ArrayDeque<>();

        Batches(List<Example> examples, TinyLlmConfig cfg, Random rng) {
            this.examples = examples;
            this.cfg = cfg;
            this.rng = rng;
        }

        List<Example> next() {
            if (cfg.batching() == TinyLlmConfig.Batching.RANDOM) {
                return draw(cfg.batchSize());
            }
            if (queued.isEmpty()) {
                List<Example> group = draw(cfg.batchSize() * LENGTH_GROUP);
                group.sort(java.util.Comparator.comparingInt(e -> Math.min(e.ids().length, cfg.maxTokens())));
                List<List<Example>> cut = new ArrayList<>();
                for (int from = 0; from < group.size(); from += cfg.batchSize()) {
                    cut.add(group.subList(from, from + cfg.batchSize()));
                }
                java.util.Collections.shuffle(cut, rng);
                queued.addAll(cut);
            }
            return queued.poll();
        }

        private List<Example> draw(int count) {
            List<Example> drawn = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                drawn.add(examples.get(rng.nextInt(examples.size())));
            }
            return drawn;
        }
    }

    /**
     * Inputs are the sequence without its last token; targets are it shifted by one. {@code weightTotal} is the sum of
     * {@code weights}, added up in double.
     */
    record Batch(PaddedPrompts inputs, Tensor targets, Tensor weights, Tensor answerMask, long tokens,
                 double weightTotal) {

        static Batch of(List<Example> examples, int maxTokens, double answerWeight, long padId) {
            List<long[]> inputs = new ArrayList<>();
            List<long[]> targets = new ArrayList<>();
            List<double[]> weights = new ArrayList<>();
            long tokens = 0;
            double weightTotal = 0;
            for (Example e : examples) {
                long[] seq = e.ids();
                int n = Math.min(seq.length, maxTokens) - 1;              // keep the start: later turns read it
                long[] in = new long[n];
                long[] tgt = new long[n];
                double[] w = new double[n];
                for (int t = 0; t < n; t++) {
                    in[t] = seq[t];
                    tgt[t] = seq[t + 1];
                    w[t] = e.answerTokens().get(t + 1) ? answerWeight : 1.0;
                    weightTotal += w[t];
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
            float[] answerFlat = new float[batch * time];
            for (int b = 0; b < batch; b++) {
                long[] tgt = targets.get(b);
                double[] w = weights.get(b);
                for (int t = 0; t < tgt.length; t++) {
                    tgtFlat[b * time + t] = tgt[t];
                    wFlat[b * time + t] = (float) w[t];
                    answerFlat[b * time + t] = w[t] != 1.0 ? 1f : 0f;
                }
            }
            return new Batch(padded, Tensor.create(tgtFlat, batch, time), Tensor.create(wFlat, batch, time),
                    Tensor.create(answerFlat, batch, time), tokens, weightTotal);
        }

    }
}
