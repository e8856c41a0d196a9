package dev.uqabench.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.uqabench.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.junit.jupiter.api.Test;

class GradientClipTest {

    /** Two parameters whose gradients are {@code [3]} and {@code [4, 0]}: a global norm of 5. */
    private static TensorVector parametersWithGradient() {
        Tensor a = Tensors.fromFloats(new float[] {1}, 1).set_requires_grad(true);
        Tensor b = Tensors.fromFloats(new float[] {1, 1}, 2).set_requires_grad(true);
        a.mul(Tensors.fromFloats(new float[] {3}, 1)).sum()
                .add(b.mul(Tensors.fromFloats(new float[] {4, 0}, 2)).sum()).backward();
        TensorVector parameters = new TensorVector();
        parameters.push_back(a);
        parameters.push_back(b);
        // a parameter without a gradient is skipped
        parameters.push_back(Tensors.fromFloats(new float[] {9}, 1).set_requires_grad(true));
        return parameters;
    }

    @Test
    void scalesAGradientAboveTheLimitToTheLimit() {
        try (PointerScope scope = new PointerScope()) {
            TensorVector parameters = parametersWithGradient();
            assertEquals(5.0, GradientClip.clip(parameters, 1.0), 1e-6);
            assertArrayEquals(new float[] {0.6f}, Tensors.toFloats(parameters.get(0).grad()), 1e-6f);
            assertArrayEquals(new float[] {0.8f, 0f}, Tensors.toFloats(parameters.get(1).grad()), 1e-6f);
            assertEquals(1.0, GradientClip.norm(parameters), 1e-6);
        }
    }

    @Test
    void leavesAGradientBelowTheLimitAndMeasuresWithoutALimit() {
        try (PointerScope scope = new PointerScope()) {
            TensorVector parameters = parametersWithGradient();
            assertEquals(5.0, GradientClip.clip(parameters, 10.0), 1e-6);
            assertArrayEquals(new float[] {4f, 0f}, Tensors.toFloats(parameters.get(1).grad()), 0f);
            assertEquals(5.0, GradientClip.clip(parameters, 0), 1e-6);   // 0: measure only
            assertArrayEquals(new float[] {3f}, Tensors.toFloats(parameters.get(0).grad()), 0f);
        }
    }

    @Test
    void noGradientIsANormOfZeroAndANegativeLimitIsRefused() {
        try (PointerScope scope = new PointerScope()) {
            TensorVector none = new TensorVector();
            none.push_back(Tensors.fromFloats(new float[] {1}, 1).set_requires_grad(true));
            assertEquals(0.0, GradientClip.norm(none));
            assertThrows(IllegalArgumentException.class, () -> GradientClip.clip(none, -1));
        }
    }
}
