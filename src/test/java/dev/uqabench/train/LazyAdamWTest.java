package dev.uqabench.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uqabench.tensor.Tensors;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

/** The first lazy row update, worked out by hand: AdamW's step is lr * g / (sqrt(v) + eps) after bias correction. */
class LazyAdamWTest {

    private static final double LR = 0.1;
    private static final float[] GRADIENT = {3, -4, 0, 1, 1, 1};        // rows 1 and 3 of a [5, 3] table

    private static Map<String, Tensor> table() {
        Map<String, Tensor> parameters = new LinkedHashMap<>();
        parameters.put("table", Tensors.fromFloats(new float[15], 5, 3));
        return parameters;
    }

    @Test
    void fullMomentsMoveEachWeightBySignedLearningRate() {
        try (PointerScope scope = new PointerScope()) {
            Map<String, Tensor> p = table();
            LazyAdamW optimizer = new LazyAdamW(p, 0.0, name -> false);
            optimizer.beginStep(LR);
            optimizer.stepRows("table", new long[] {1, 3}, Tensors.fromFloats(GRADIENT, 2, 3), LR);
            // v_hat = g^2 per weight: each weight moves by -lr * sign(g), a zero gradient not at all
            float[] w = Tensors.toFloats(p.get("table"));
            assertArrayEquals(new float[] {0, 0, 0, -0.1f, 0.1f, 0, 0, 0, 0, -0.1f, -0.1f, -0.1f, 0, 0, 0}, w, 1e-6f);
            assertArrayEquals(new long[] {5, 3}, Tensors.shape(optimizer.state().get("v.table")));
            assertFalse(optimizer.rowWise("table"));
        }
    }

    @Test
    void rowMomentsShareOneSecondMomentPerRow() {
        try (PointerScope scope = new PointerScope()) {
            Map<String, Tensor> p = table();
            LazyAdamW optimizer = new LazyAdamW(p, 0.0, name -> false, name -> name.equals("table"));
            optimizer.beginStep(LR);
            optimizer.stepRows("table", new long[] {1, 3}, Tensors.fromFloats(GRADIENT, 2, 3), LR);
            // v_hat of row 1 = mean(9, 16, 0) = 25/3, of row 3 = 1: weights move by -lr * g / sqrt(v_hat)
            double rms1 = Math.sqrt(25.0 / 3);
            float[] expected = {0, 0, 0, (float) (-LR * 3 / rms1), (float) (LR * 4 / rms1), 0, 0, 0, 0,
                    -0.1f, -0.1f, -0.1f, 0, 0, 0};
            assertArrayEquals(expected, Tensors.toFloats(p.get("table")), 1e-6f);
            Tensor v = optimizer.state().get("v.table");
            assertArrayEquals(new long[] {5, 1}, Tensors.shape(v), "one second moment per row");
            // v = (1 - beta2) mean(g^2) for the touched rows, untouched rows still zero
            assertArrayEquals(new float[] {0, (float) (0.001 * 25 / 3), 0, 0.001f, 0}, Tensors.toFloats(v), 1e-9f);
            assertTrue(optimizer.rowWise("table"));
        }
    }

    @Test
    void aDenseGradientUpdatesRowMomentsTheSameWay() {
        try (PointerScope scope = new PointerScope()) {
            Map<String, Tensor> lazy = table();
            Map<String, Tensor> dense = table();
            LazyAdamW byRows = new LazyAdamW(lazy, 0.0, name -> false, name -> true);
            LazyAdamW byDense = new LazyAdamW(dense, 0.0, name -> false, name -> true);
            float[] full = new float[15];
            System.arraycopy(GRADIENT, 0, full, 3, 3);
            System.arraycopy(GRADIENT, 3, full, 9, 3);
            dense.get("table").set_requires_grad(true);
            dense.get("table").mutable_grad().put(Tensors.fromFloats(full, 5, 3));
            byDense.step(LR);
            byRows.beginStep(LR);
            byRows.stepRows("table", new long[] {1, 3}, Tensors.fromFloats(GRADIENT, 2, 3), LR);
            assertArrayEquals(Tensors.toFloats(lazy.get("table")), Tensors.toFloats(dense.get("table").detach()), 1e-6f);
            assertEquals(5, byDense.state().get("v.table").numel());
        }
    }
}
