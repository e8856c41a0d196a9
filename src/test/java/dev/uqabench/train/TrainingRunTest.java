package dev.uqabench.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uqabench.base.UqaException;
import dev.uqabench.tensor.Tensors;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.junit.jupiter.api.Test;

class TrainingRunTest {

    private static TrainingRun run(TrainingListener listener) {
        return TrainingRun.builder().setStage("align").setTotalSteps(4).optUnit("tokens")
                .optDivergenceHint("lower the alignment's learning rate").optListener(listener).build();
    }

    @Test
    void aNonFiniteLossStopsTrainingNamingTheStageTheStepAndAHint() {
        TrainingRun run = run(TrainingListener.NONE);
        run.checkLoss(2.5, 1, 1e-3);
        UqaException nan = assertThrows(UqaException.class, () -> run.checkLoss(Double.NaN, 7, 1e-3));
        assertEquals("align: loss became NaN at step 7 (learning rate 0.001); lower the alignment's learning rate",
                nan.getMessage());
        UqaException inf = assertThrows(UqaException.class, () -> run.checkLoss(Double.POSITIVE_INFINITY, 8, 1e-3));
        assertTrue(inf.getMessage().startsWith("align: loss became Infinity at step 8"), inf.getMessage());
    }

    @Test
    void aNonFiniteGradientNormStopsTrainingBeforeTheUpdate() {
        try (PointerScope scope = new PointerScope()) {
            Tensor p = Tensors.fromFloats(new float[] {1, 1}, 2).set_requires_grad(true);
            p.mul(Tensors.fromFloats(new float[] {Float.NaN, 1}, 2)).sum().backward();
            TensorVector parameters = new TensorVector();
            parameters.push_back(p);
            UqaException e = assertThrows(UqaException.class,
                    () -> run(TrainingListener.NONE).clip(parameters, 1.0, 3, 0.5));
            assertTrue(e.getMessage().startsWith("align: gradient norm became NaN at step 3 (learning rate 0.5); lower"),
                    e.getMessage());
            // measuring only (no clip limit) guards as well
            assertThrows(UqaException.class, () -> run(TrainingListener.NONE).clip(parameters, 0, 3, 0.5));
        }
    }

    @Test
    void theListenerReceivesStepsEpochsAndCheckpoints() {
        List<StepEvent> steps = new ArrayList<>();
        List<EpochEvent> epochs = new ArrayList<>();
        List<Path> checkpoints = new ArrayList<>();
        TrainingRun run = run(new TrainingListener() {
            @Override
            public void onStep(StepEvent event) {
                steps.add(event);
            }

            @Override
            public void onEpoch(EpochEvent event) {
                epochs.add(event);
            }

            @Override
            public void onCheckpoint(Path folder) {
                checkpoints.add(folder);
            }
        });
        run.stepDone(1, 1, 2.0, 1e-3, 100, Map.of());
        run.stepDone(2, 1, 1.5, 2e-3, 50, Map.of("answer_loss", 0.7));
        run.epochDone(1, 1.75, Map.of("validation_loss", 1.2), true);
        run.checkpointWritten(Path.of("last"));

        assertEquals(2, steps.size());
        StepEvent second = steps.get(1);
        assertEquals("align", second.stage());
        assertEquals(2, second.step());
        assertEquals(4, second.totalSteps());
        assertEquals(1.5, second.loss());
        assertEquals(2e-3, second.learningRate());
        assertEquals("tokens", second.unit());
        assertEquals(50, second.units());
        assertEquals(0.7, second.metrics().get("answer_loss"));
        assertTrue(second.unitsPerSecond() > 0, "150 tokens in this run so far: " + second.unitsPerSecond());
        assertTrue(second.etaSeconds() >= 0 && second.etaSeconds() < 60, "two steps left: " + second.etaSeconds());
        assertEquals(List.of(new EpochEvent("align", 1, 1.75, Map.of("validation_loss", 1.2), true)), epochs);
        assertEquals(List.of(Path.of("last")), checkpoints);
    }

    @Test
    void aStepListenerIgnoresTheOtherEvents() {
        List<Long> steps = new ArrayList<>();
        TrainingRun run = run(TrainingListener.onSteps(event -> steps.add(event.step())));
        run.stepDone(1, 1, 2.0, 1e-3, 10, Map.of());
        run.epochDone(1, 2.0, Map.of(), false);
        assertEquals(List.of(1L), steps);
        assertThrows(IllegalStateException.class, () -> TrainingRun.builder().setStage("llm").build());
    }
}
