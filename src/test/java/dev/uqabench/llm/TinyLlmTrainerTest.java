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
}
