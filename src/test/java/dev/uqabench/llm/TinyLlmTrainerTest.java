package dev.uqabench.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uqabench.base.UqaException;
import dev.uqabench.train.StepEvent;
import dev.uqabench.train.TrainingListener;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.junit.jupiter.api.Test;

/** The tiny LLM's loop through the training kit: its events, and a diverging run stopped at its step. */
class TinyLlmTrainerTest {

    private static final List<TinyLlmTrainer.Example> EXAMPLES = List.of(
            TinyLlmTrainer.Example.of(new long[] {3, 7, 11, 3}, new long[] {7, 11}),
            TinyLlmTrainer.Example.of(new long[] {5, 9, 5}, new long[] {9, 5, 9}));

    private static TinyLlmConfig config(int steps, double learningRate, int warmupSteps) {
        return new TinyLlmConfig(32, 2, 4, 2, 48, steps, 2, learningRate, warmupSteps, 10.0, List.of(0), 16, 0,
                TinyLlmConfig.Batching.RANDOM);
    }

    @Test
    void everyStepIsReportedWithItsLearningRateTokensAndAnswerLoss() {
        List<StepEvent> events = new ArrayList<>();
        try (PointerScope scope = new PointerScope()) {
            Decoder model = Decoder.create(TinyModels.qwen2(false), 5);
            TinyLlmTrainer.train(model, config(6, 1e-2, 2), EXAMPLES, 0, 1, TrainingListener.onSteps(events::add));
        }
        assertEquals(6, events.size());
        for (int i = 0; i < events.size(); i++) {
            StepEvent event = events.get(i);
            assertEquals(i + 1, event.step());
            assertEquals(6, event.totalSteps());
            assertEquals("llm", event.stage());
            assertEquals("tokens", event.unit());
            assertTrue(event.units() >= 2 * 5 && event.units() <= 2 * 6, "two sequences of 6 or 7 tokens: " + event.units());
            assertTrue(Double.isFinite(event.loss()) && event.metrics().get(TinyLlmTrainer.ANSWER_LOSS) > 0,
                    event.toString());
        }
        // warm-up to the peak over two steps, the peak again, then down towards 10 % of it
        assertEquals(0.5e-2, events.get(0).learningRate(), 1e-15);
        assertEquals(1e-2, events.get(1).learningRate(), 1e-15);
        assertEquals(1e-2, events.get(2).learningRate(), 1e-15);
        assertTrue(events.get(5).learningRate() < events.get(4).learningRate()
                && events.get(5).learningRate() > 0.1e-2, events.get(5).toString());
    }

    /** bf16 autocast: the same examples learned to about the float32 loss, and the weights stay float32. */
    @Test
    void bf16TrainingLearnsLikeFloat32AndKeepsFloat32Weights() {
        double[] lastLoss = new double[2];
        dev.uqabench.tensor.Precision[] precisions = {dev.uqabench.tensor.Precision.FP32,
                dev.uqabench.tensor.Precision.BF16};
        for (int i = 0; i < 2; i++) {
            List<StepEvent> events = new ArrayList<>();
            try (PointerScope scope = new PointerScope()) {
                Decoder model = Decoder.create(TinyModels.qwen2(false), 5);
                TinyLlmTrainer.train(model, config(30, 1e-2, 2).withPrecision(precisions[i]), EXAMPLES, 0, 1,
                        TrainingListener.onSteps(events::add));
                for (org.bytedeco.pytorch.Tensor p : model.trainableParameters()) {
                    assertEquals(org.bytedeco.pytorch.global.torch.ScalarType.Float, p.scalar_type().intern());
                }
            }
            lastLoss[i] = events.get(events.size() - 1).metrics().get(TinyLlmTrainer.ANSWER_LOSS);
            assertTrue(lastLoss[i] < 0.5 * events.get(0).metrics().get(TinyLlmTrainer.ANSWER_LOSS),
                    precisions[i] + ": " + events.get(0) + " -> " + events.get(events.size() - 1));
        }
        assertTrue(lastLoss[0] != lastLoss[1], "bf16 computed exactly the float32 losses: autocast did not apply");
    }

    @Test
    void aDivergingRunStopsWithTheStageTheStepAndAHint() {
        List<Long> completed = new ArrayList<>();
        UqaException e;
        try (PointerScope scope = new PointerScope()) {
            Decoder model = Decoder.create(TinyModels.qwen2(false), 5);
            e = assertThrows(UqaException.class, () -> TinyLlmTrainer.train(model, config(20, 1e30, 0), EXAMPLES, 0, 1,
                    TrainingListener.onSteps(event -> completed.add(event.step()))));
        }
        long failed = completed.size() + 1;
        assertTrue(e.getMessage().startsWith("llm: ") && e.getMessage().contains("at step " + failed)
                && e.getMessage().contains("lower the tiny LLM's learning rate"), e.getMessage());
        assertTrue(failed < 20, "stopped before the end: " + e.getMessage());
    }

    /** By-length batches pad far less than random ones, and draw the examples as often as random batches do. */
    @Test
    void batchesByLengthPadLittleAndKeepTheDraws() {
        List<TinyLlmTrainer.Example> examples = new ArrayList<>();
        java.util.Random lengths = new java.util.Random(3);
        for (int i = 0; i < 400; i++) {
            examples.add(TinyLlmTrainer.Example.of(new long[1 + lengths.nextInt(300)], new long[] {1}));
        }
        long[] padding = new long[2];
        java.util.Map<TinyLlmTrainer.Example, Integer> drawn = new java.util.IdentityHashMap<>();
        for (TinyLlmConfig.Batching batching : TinyLlmConfig.Batching.values()) {
            TinyLlmConfig cfg = new TinyLlmConfig(32, 2, 4, 2, 48, 10, 8, 1e-3, 1, 10.0, List.of(0), 512, 0, batching);
            TinyLlmTrainer.Batches batches = new TinyLlmTrainer.Batches(examples, cfg, new java.util.Random(11));
            for (int step = 0; step < 4 * TinyLlmTrainer.LENGTH_GROUP; step++) {
                List<TinyLlmTrainer.Example> batch = batches.next();
                assertEquals(8, batch.size());
                int longest = batch.stream().mapToInt(e -> e.ids().length).max().orElseThrow();
                for (TinyLlmTrainer.Example e : batch) {
                    padding[batching.ordinal()] += longest - e.ids().length;
                    if (batching == TinyLlmConfig.Batching.BY_LENGTH) {
                        drawn.merge(e, 1, Integer::sum);
                    }
                }
            }
        }
        long random = padding[TinyLlmConfig.Batching.RANDOM.ordinal()];
        long byLength = padding[TinyLlmConfig.Batching.BY_LENGTH.ordinal()];
        assertTrue(byLength * 10 < random, "by length " + byLength + " vs random " + random + " padded tokens");
        assertEquals(4 * TinyLlmTrainer.LENGTH_GROUP * 8, drawn.values().stream().mapToInt(Integer::intValue).sum());
        assertTrue(drawn.size() > 300, "draws spread over the examples: " + drawn.size() + " of 400");
    }

    /** Six conversations of different lengths, so the slices of a batch pad to different lengths. */
    private static final List<TinyLlmTrainer.Example> VARIED = List.of(
            TinyLlmTrainer.Example.of(new long[] {3, 7, 11, 3}, new long[] {7, 11}),
            TinyLlmTrainer.Example.of(new long[] {5, 9, 5}, new long[] {9, 5, 9}),
            TinyLlmTrainer.Example.of(new long[] {2, 4, 6, 8, 10, 12, 14}, new long[] {16, 18}),
            TinyLlmTrainer.Example.of(new long[] {1, 2}, new long[] {3}),
            TinyLlmTrainer.Example.of(new long[] {19, 17, 15, 13, 11, 9, 7, 5, 3}, new long[] {1, 1, 2}),
            TinyLlmTrainer.Example.of(new long[] {4, 4, 4}, new long[] {8}));

    private static TinyLlmConfig sharedConfig(int workers) {
        return new TinyLlmConfig(32, 2, 4, 2, 48, 12, 4, 1e-2, 2, 10.0, List.of(0), 16, 0,
                TinyLlmConfig.Batching.RANDOM).withWorkers(workers);
    }

    /** The trained weights (copies) and every step's loss, after {@link #sharedConfig}'s run on {@link #VARIED}. */
    private static List<float[]> trainShared(int workers, List<Double> losses) {
        List<float[]> weights = new ArrayList<>();
        try (PointerScope scope = new PointerScope()) {
            Decoder model = Decoder.create(TinyModels.qwen2(false), 5);
            TinyLlmTrainer.train(model, sharedConfig(workers), VARIED, 0, 1,
                    TrainingListener.onSteps(e -> losses.add(e.loss())));
            for (org.bytedeco.pytorch.Tensor p : model.trainableParameters()) {
                weights.add(dev.uqabench.tensor.Tensors.toFloats(p));
            }
        }
        return weights;
    }

    /**
     * Workers sharing each batch compute the one-thread step up to the order of float sums: the same losses to 1e-5
     * and weights to 1e-4 after 12 Adam steps of 1e-2 (a flipped step would differ by 1e-2), with two workers and with
     * three (slices of 1, 1 and 2 conversations); and the same weights to the bit when run again, whichever worker
     * finished first.
     */
    @Test
    void workersSharingABatchLearnWhatOneThreadLearnsAndRepeatExactly() {
        List<Double> oneLosses = new ArrayList<>();
        List<float[]> one = trainShared(1, oneLosses);
        for (int workers : new int[] {2, 3}) {
            List<Double> losses = new ArrayList<>();
            List<float[]> shared = trainShared(workers, losses);
            assertEquals(oneLosses.size(), losses.size());
            for (int i = 0; i < losses.size(); i++) {
                assertEquals(oneLosses.get(i), losses.get(i), 1e-5, workers + " workers, step " + (i + 1));
            }
            double maxDiff = 0;
            for (int p = 0; p < one.size(); p++) {
                for (int j = 0; j < one.get(p).length; j++) {
                    maxDiff = Math.max(maxDiff, Math.abs(one.get(p)[j] - shared.get(p)[j]));
                }
            }
            assertTrue(maxDiff < 1e-4, workers + " workers: weights differ from one thread's by " + maxDiff);
            double first = (losses.get(0) + losses.get(1) + losses.get(2)) / 3;
            double last = (losses.get(9) + losses.get(10) + losses.get(11)) / 3;
            assertTrue(last < 0.85 * first, "learned: " + losses);
            List<Double> again = new ArrayList<>();
            List<float[]> repeated = trainShared(workers, again);
            assertEquals(losses, again, workers + " workers, run again");
            for (int p = 0; p < shared.size(); p++) {
                assertTrue(java.util.Arrays.equals(shared.get(p), repeated.get(p)),
                        workers + " workers, run again: parameter " + p + " differs");
            }
        }
    }

    /** A worker's failure reaches the caller as itself, after every worker stopped. */
    @Test
    void aFailingWorkerStopsTheRunWithItsError() {
        List<TinyLlmTrainer.Example> bad = new ArrayList<>(VARIED.subList(0, 3));
        bad.add(TinyLlmTrainer.Example.of(new long[] {3, 999, 3}, new long[] {1}));     // id beyond the vocabulary (20)
        TinyLlmConfig cfg = new TinyLlmConfig(32, 2, 4, 2, 48, 3, 4, 1e-2, 1, 10.0, List.of(0), 16, 0,
                TinyLlmConfig.Batching.RANDOM).withWorkers(2);
        RuntimeException e;
        try (PointerScope scope = new PointerScope()) {
            Decoder model = Decoder.create(TinyModels.qwen2(false), 5);
            e = assertThrows(RuntimeException.class, () -> TinyLlmTrainer.train(model, cfg, bad, 0, 1,
                    TrainingListener.onSteps(event -> { })));
        }
        assertTrue(e.getMessage() != null && e.getMessage().contains("token id 999 outside vocabulary"),
                e.getMessage());
    }

    @Test
    void workersMustFitTheBatch() {
        for (int workers : new int[] {0, 5}) {
            UqaException e = assertThrows(UqaException.class, () -> sharedConfig(workers));
            assertTrue(e.getMessage().contains("workers") && e.getMessage().contains(String.valueOf(workers)),
                    e.getMessage());
        }
    }
}
